import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
  RunInstancesCommand,
  type TagSpecification,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsAmiStore } from '../../shared/images/aws-ami-store.ts';
import { amiName } from '../../shared/images/aws-ami-tags.ts';
import type { ImageCaptureRequest } from '../../shared/images/ports.ts';
import { ImageRegistry } from '../../shared/images/registry.ts';
import { freshStore, localClient } from '../events/support.ts';
import { ec2Client, type Moto, startMoto } from './moto.ts';
import { bakedVersion } from './support.ts';

interface Call {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/**
 * Records every EC2 request as sent, answers EnableImageBlockPublicAccess,
 * which moto does not implement, and drops CreateImage's snapshot tags, on
 * which moto fails (aws-mocked.test.ts checks them).
 */
function recordCalls(client: EC2Client): Call[] {
  const calls: Call[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as Record<string, unknown>;
      calls.push({ command, input: structuredClone(input) });
      if (command === 'CreateImageCommand') {
        const specs = input.TagSpecifications as TagSpecification[] | undefined;
        input.TagSpecifications = specs?.filter((s) => s.ResourceType !== 'snapshot');
      }
      if (command === 'EnableImageBlockPublicAccessCommand') {
        const output = {
          ImageBlockPublicAccessState: 'block-new-sharing',
          $metadata: {},
        };

        return { output, response: {} } as never;
      }

      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );

  return calls;
}

describe('AwsAmiStore on moto_server', () => {
  let moto: Moto;
  let ec2: EC2Client;
  let calls: Call[];
  let store: AwsAmiStore;
  let runnerId: string;

  const request = (buildId: string): ImageCaptureRequest => ({
    runnerId,
    imageName: 'Tools Image',
    platform: 'linux',
    buildId,
    jobId: '1',
    commit: 'c0ffee',
    parent: { name: 'Ubuntu2204', ref: 'ami-base' },
  });

  beforeAll(async () => {
    moto = await startMoto();
    ec2 = ec2Client(moto.endpoint);
    calls = recordCalls(ec2);
    store = new AwsAmiStore({
      client: ec2,
      installation: 'Bakehouse',
      snapshotKey: 'unchecked',
    });
    const seeded = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: seeded.Images?.[0]?.ImageId,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
      }),
    );
    runnerId = run.Instances?.[0]?.InstanceId ?? '';
  });

  afterAll(async () => {
    ec2?.destroy();
    await moto?.stop();
  });

  it('creates the image from the runner with a reboot, private and tagged', async () => {
    const ref = await store.capture(request('b1'));

    const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ref] })))
      .Images?.[0];
    const names = calls.map((c) => c.command);
    const block = calls.find((c) => c.command === 'EnableImageBlockPublicAccessCommand');
    const create = calls.find((c) => c.command === 'CreateImageCommand');

    expect(block?.input).toEqual({ ImageBlockPublicAccessState: 'block-new-sharing' });
    expect(names.indexOf('EnableImageBlockPublicAccessCommand')).toBeLessThan(
      names.indexOf('CreateImageCommand'),
    );
    expect(create?.input).toMatchObject({ InstanceId: runnerId, NoReboot: false });
    expect(image?.Name).toBe('bakehouse-tools-image-b1-1');
    expect(image?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'bakehouse:installation', Value: 'Bakehouse' },
        { Key: 'bakehouse:image', Value: 'Tools Image' },
        { Key: 'bakehouse:build', Value: 'b1' },
        { Key: 'bakehouse:job', Value: '1' },
        { Key: 'bakehouse:commit', Value: 'c0ffee' },
        { Key: 'bakehouse:parent', Value: 'Ubuntu2204 ami-base' },
      ]),
    );
  });

  it('says the image is available', async () => {
    const ref = await store.capture(request('b2'));

    await expect(store.state(ref)).resolves.toEqual({ state: 'available' });
  });

  it('finds a retried bake image by name instead of creating a second one', async () => {
    const first = await store.capture(request('b3'));
    const creates = calls.filter((c) => c.command === 'CreateImageCommand').length;

    const again = await store.capture(request('b3'));
    const named = await ec2.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: 'name', Values: [amiName(request('b3'))] }],
      }),
    );

    expect(again).toBe(first);
    expect(calls.filter((c) => c.command === 'CreateImageCommand')).toHaveLength(creates);
    expect(named.Images).toHaveLength(1);
  });

  it('tags the version on the image and on its snapshots', async () => {
    const ref = await store.capture(request('b4'));

    await store.markVersion(ref, 4);
    const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ref] })))
      .Images?.[0];
    const snapshotId = image?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId ?? '';
    const snapshot = await ec2.send(
      new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }),
    );

    expect(image?.Tags).toContainEqual({ Key: 'bakehouse:version', Value: '4' });
    expect(snapshot.Snapshots?.[0]?.Tags).toContainEqual({
      Key: 'bakehouse:version',
      Value: '4',
    });
  });

  it('deregisters with the snapshots, and a repeated delete does nothing', async () => {
    const ref = await store.capture(request('b5'));
    const snapshotId = await rootSnapshot(ref);

    await store.delete(ref);
    await store.delete(ref);

    const deregisters = calls.filter((c) => c.command === 'DeregisterImageCommand');
    expect(deregisters.map((c) => c.input)).toEqual([
      { ImageId: ref, DeleteAssociatedSnapshots: true },
    ]);
    const images = await ec2.send(new DescribeImagesCommand({ ImageIds: [ref] }));
    expect(images.Images).toEqual([]);
    await expect(
      ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] })),
    ).rejects.toMatchObject({ Code: 'InvalidSnapshot.NotFound' });
  });

  it('deletes the snapshots an earlier deregistration left behind', async () => {
    const ref = await store.capture(request('b6'));
    const snapshotId = await rootSnapshot(ref);
    await ec2.send(new DeregisterImageCommand({ ImageId: ref }));

    await store.delete(ref);

    await expect(
      ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] })),
    ).rejects.toMatchObject({ Code: 'InvalidSnapshot.NotFound' });
  });

  it("finds a build's AMIs by its tag, not another installation's", async () => {
    const first = await store.capture(request('b7'));
    const second = await store.capture({ ...request('b7'), jobId: '2' });
    const other = new AwsAmiStore({
      client: ec2,
      installation: 'Other',
      snapshotKey: 'unchecked',
    });
    await other.capture({ ...request('b7'), jobId: '3', imageName: 'Theirs' });

    const found = await store.findByBuild('b7');

    expect(found.sort((a, b) => a.jobId.localeCompare(b.jobId))).toEqual([
      { ref: first, jobId: '1' },
      { ref: second, jobId: '2' },
    ]);
  });

  async function rootSnapshot(ref: string): Promise<string> {
    const found = await ec2.send(new DescribeImagesCommand({ ImageIds: [ref] }));

    return found.Images?.[0]?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId ?? '';
  }

  describe('with the registry on DynamoDB Local', () => {
    let ddb: DynamoDBClient;

    beforeAll(() => {
      ddb = localClient();
    });

    afterAll(() => ddb.destroy());

    it('retention keeps the newest N AMIs and deregisters the rest', async () => {
      const events = (await freshStore(ddb, 'ami-retention')).store;
      const usage = { versionsInUse: async () => new Set<number>() };
      const registry = new ImageRegistry({ events, store, usage });
      const refs: string[] = [];
      for (const buildId of ['r1', 'r2', 'r3', 'r4']) {
        const ref = await store.capture({ ...request(buildId), imageName: 'Kept' });
        refs.push(ref);
        await registry.addVersion(bakedVersion(buildId, { name: 'Kept', ref }));
      }

      const deleted = await registry.applyRetention('Kept', 3);
      const left = await ec2.send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: 'tag:bakehouse:image', Values: ['Kept'] }],
        }),
      );

      expect(deleted).toEqual([1]);
      expect(left.Images?.map((i) => i.ImageId).sort()).toEqual(refs.slice(1).sort());
    });
  });
});
