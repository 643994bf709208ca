import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { ListCommandsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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

  it('sends a phase as one AWS-RunShellScript command with its whole script', async () => {
    const runnerId = await fleet.launch(spec('01JLAUNCH0000000000000000D'));

    await fleet.startPhase({
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
