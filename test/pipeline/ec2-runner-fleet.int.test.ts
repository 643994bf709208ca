import {
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { ListCommandsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withRootDevice } from '../../shared/aws/ec2-root-device.ts';
import { type Ec2RunnerFleet, runnerTags } from '../../shared/aws/ec2-runner-fleet.ts';
import type { RunnerSpec } from '../../shared/ports/runner-fleet.ts';
import {
  type MotoNetwork,
  motoEc2,
  motoNetwork,
  motoRunnerFleet,
  motoSsm,
} from '../support/moto.ts';

const keyArn =
  'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('the EC2 runner fleet on moto', () => {
  let ec2: EC2Client;
  let ssm: SSMClient;
  let network: MotoNetwork;
  let fleet: Ec2RunnerFleet;
  const spec = (buildId: string): RunnerSpec => ({
    buildId,
    jobId: '1',
    image: {
      name: 'Ubuntu2204',
      platform: 'linux',
      ref: network.imageId,
      base: true,
      rootDevice: network.rootDevice,
    },
    expiresAt: '2030-01-01T00:00:00.000Z',
  });
  const instance = async (id: string) => {
    const found = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    return found.Reservations?.[0]?.Instances?.[0];
  };

  beforeAll(async () => {
    ec2 = motoEc2(inject('motoEndpoint'));
    ssm = motoSsm(inject('motoEndpoint'));
    network = await motoNetwork(ec2, inject('motoEndpoint'));
    fleet = motoRunnerFleet({ ec2, ssm }, network, { kmsKeyArn: keyArn });
  });
  afterAll(() => {
    ec2.destroy();
    ssm.destroy();
  });

  it('launches a runner with IMDSv2 required, no public IP and the build tags', async () => {
    const runnerId = await fleet.launch(spec('01JLAUNCH0000000000000000A'));

    const launched = await instance(runnerId);
    const tags = Object.fromEntries((launched?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(launched?.MetadataOptions?.HttpTokens).toBe('required');
    expect(launched?.PublicIpAddress).toBeUndefined();
    expect(launched?.SubnetId).toBe(network.subnetId);
    expect(launched?.InstanceType).toBe('m7i.large');
    expect(tags).toMatchObject({
      [runnerTags.installation]: 'Bakehouse',
      [runnerTags.build]: '01JLAUNCH0000000000000000A',
      [runnerTags.job]: '1',
      [runnerTags.expiresAt]: '2030-01-01T00:00:00.000Z',
    });
    await fleet.terminate(runnerId);
  });

  it('makes an instance-initiated shutdown terminate the runner', async () => {
    const runnerId = await fleet.launch(spec('01JLAUNCH0000000000000000B'));

    const attribute = await ec2.send(
      new DescribeInstanceAttributeCommand({
        InstanceId: runnerId,
        Attribute: 'instanceInitiatedShutdownBehavior',
      }),
    );

    expect(attribute.InstanceInitiatedShutdownBehavior?.Value).toBe('terminate');
    await fleet.terminate(runnerId);
  });

  it('gives the runner an encrypted gp3 root volume with the stack key', async () => {
    const runnerId = await fleet.launch(spec('01JLAUNCH0000000000000000C'));

    const volumes = await ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'attachment.instance-id', Values: [runnerId] }],
      }),
    );

    const root = volumes.Volumes?.[0];
    expect(root?.VolumeType).toBe('gp3');
    expect(root?.Encrypted).toBe(true);
    expect(root?.KmsKeyId).toBe(keyArn);
    await fleet.terminate(runnerId);
  });

  it('puts the root volume on the root device the image names (/dev/xvda here)', async () => {
    const found = await ec2.send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [{ Name: 'root-device-name', Values: ['/dev/xvda'] }],
      }),
    );
    const xvda = found.Images?.[0]?.ImageId ?? '';
    const resolve = withRootDevice(
      async (name) => ({
        image: { name, platform: 'linux', ref: xvda, base: true },
        warnings: [],
      }),
      ec2,
    );
    const { image } = await resolve('Ubuntu2204');

    const runnerId = await fleet.launch({ ...spec('01JLAUNCH0000000000000000F'), image });

    const volumes = await ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'attachment.instance-id', Values: [runnerId] }],
      }),
    );
    expect(image.rootDevice).toBe('/dev/xvda');
    expect((await instance(runnerId))?.RootDeviceName).toBe('/dev/xvda');
    expect(volumes.Volumes?.map((v) => [v.Attachments?.[0]?.Device, v.Size])).toEqual([
      ['/dev/xvda', 30],
    ]);
    expect(volumes.Volumes?.[0]?.Encrypted).toBe(true);
    await fleet.terminate(runnerId);
  });

  it('finds the runners of a build and of a job by their tags, until they end', async () => {
    const buildId = '01JLAUNCH0000000000000000G';
    const one = await fleet.launch(spec(buildId));
    const two = await fleet.launch({ ...spec(buildId), jobId: '2' });

    const ofBuild = await fleet.findRunners({ buildId });
    const ofJob = await fleet.findRunners({ buildId, jobId: '2' });
    await fleet.terminate(two);

    expect(ofBuild.map((r) => r.runnerId).sort()).toEqual([one, two].sort());
    expect(ofJob).toEqual([{ runnerId: two, buildId, jobId: '2' }]);
    expect(await fleet.findRunners({ buildId, jobId: '2' })).toEqual([]);
    await fleet.terminate(one);
  });

  it('moves the expiry tag of a runner', async () => {
    const runnerId = await fleet.launch(spec('01JLAUNCH0000000000000000H'));

    await fleet.renewExpiry(runnerId, '2031-06-01T00:00:00.000Z');

    const tags = (await instance(runnerId))?.Tags ?? [];
    expect(tags.find((t) => t.Key === runnerTags.expiresAt)?.Value).toBe(
      '2031-06-01T00:00:00.000Z',
    );
    await fleet.terminate(runnerId);
  });

  it('sends a phase as one AWS-RunShellScript command with its whole script', async () => {
    const runnerId = await fleet.launch(spec('01JLAUNCH0000000000000000D'));

    const commandId = await fleet.startPhase({
      buildId: '01JLAUNCH0000000000000000D',
      jobId: '1',
      runnerId,
      phase: 'install',
      shell: 'bash',
      script: 'echo one\necho two',
      timeoutSeconds: 900,
      callbackToken: 'token',
    });

    const listed = await ssm.send(new ListCommandsCommand({ InstanceId: runnerId }));
    const command = listed.Commands?.[0];
    expect(command?.CommandId).toBe(commandId);
    expect(command?.DocumentName).toBe('AWS-RunShellScript');
    expect(command?.Parameters).toEqual({
      commands: ['echo one\necho two'],
      executionTimeout: ['900'],
    });
    expect(command?.Comment).toBe('bakehouse 01JLAUNCH0000000000000000D job 1 install');
    await fleet.terminate(runnerId);
  });

  it('terminates a runner, and ending one already gone is no error', async () => {
    const runnerId = await fleet.launch(spec('01JLAUNCH0000000000000000E'));

    await fleet.terminate(runnerId);
    await fleet.terminate('i-0000000000000dead');

    expect((await instance(runnerId))?.State?.Name).toMatch(/shutting-down|terminated/);
  });

  it('leaves no runner of these tests running', async () => {
    const running = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${runnerTags.build}`, Values: ['01JLAUNCH*'] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
      }),
    );

    expect(running.Reservations ?? []).toEqual([]);
  });
});
