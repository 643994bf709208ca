import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  EnableImageBlockPublicAccessCommand,
  type Image,
  type ImageState,
} from '@aws-sdk/client-ec2';
import {
  ImagebuilderClient,
  ListImagePipelineImagesCommand,
} from '@aws-sdk/client-imagebuilder';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsAmiStore } from '../../shared/images/aws-ami-store.ts';
import { AwsBaseImages } from '../../shared/images/aws-base-images.ts';
import { awaitImage, type BakeDeps } from '../../shared/images/bake-tasks.ts';
import { ImagePendingError } from '../../shared/images/errors.ts';
import type { ImageCaptureRequest } from '../../shared/images/ports.ts';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
const imageBuilder = mockClient(ImagebuilderClient);

const request: ImageCaptureRequest = {
  runnerId: 'i-1',
  imageName: 'tools',
  platform: 'linux',
  buildId: 'b1',
  jobId: '1',
  commit: 'c0ffee',
  parent: { name: 'tools', version: 2, ref: 'ami-parent' },
};

const stackKey = 'arn:aws:kms:us-east-1:111122223333:key/stack';
const root = [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: 'snap-1' } }];
const available: Image = {
  ImageId: 'ami-1',
  State: 'available',
  BlockDeviceMappings: root,
};

function store(): AwsAmiStore {
  return new AwsAmiStore({
    client: new EC2Client({}),
    installation: 'Bakehouse',
    snapshotKey: { arn: stackKey },
  });
}

function notFound(code: string): Error {
  return Object.assign(new Error(code), { Code: code });
}

beforeEach(() => {
  ec2.reset();
  ssm.reset();
  imageBuilder.reset();
  ec2.on(EnableImageBlockPublicAccessCommand).resolves({});
});

describe('AwsAmiStore', () => {
  it('replaces a failed image left by an earlier attempt of the same bake', async () => {
    ec2.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({
      Images: [{ ImageId: 'ami-old', State: 'failed', BlockDeviceMappings: [] }],
    });
    ec2
      .on(DescribeImagesCommand, { ImageIds: ['ami-old'] })
      .resolvesOnce({
        Images: [{ ImageId: 'ami-old', State: 'failed', BlockDeviceMappings: [] }],
      })
      .resolves({ Images: [] });
    ec2.on(CreateImageCommand).resolves({ ImageId: 'ami-new' });

    const ref = await store().capture(request);

    expect(ref).toBe('ami-new');
    expect(ec2.commandCalls(DeregisterImageCommand)[0]?.args[0].input).toEqual({
      ImageId: 'ami-old',
      DeleteAssociatedSnapshots: true,
    });
    expect(ec2.commandCalls(CreateImageCommand)[0]?.args[0].input).toMatchObject({
      InstanceId: 'i-1',
      NoReboot: false,
      Name: 'bakehouse-tools-b1-1',
    });
  });

  it('tags the AMI and its snapshots at creation with the installation, image and parent', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ec2.on(CreateImageCommand).resolves({ ImageId: 'ami-new' });

    await store().capture(request);

    const input = ec2.commandCalls(CreateImageCommand)[0]?.args[0].input;
    const specs = input?.TagSpecifications ?? [];
    expect(specs.map((s) => s.ResourceType)).toEqual(['image', 'snapshot']);
    for (const spec of specs) {
      expect(spec.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'bakehouse:installation', Value: 'Bakehouse' },
          { Key: 'bakehouse:image', Value: 'tools' },
          { Key: 'bakehouse:build', Value: 'b1' },
          { Key: 'bakehouse:parent', Value: 'tools:v2 ami-parent' },
        ]),
      );
    }
  });

  it('reports a failed image with its state and reason', async () => {
    ec2.on(DescribeImagesCommand).resolves({
      Images: [
        { ImageId: 'ami-1', State: 'error', StateReason: { Message: 'disk error' } },
      ],
    });

    await expect(store().state('ami-1')).resolves.toEqual({
      state: 'failed',
      reason: 'the AMI is error: disk error',
    });
  });

  it('treats an image not yet visible as pending, after one look', async () => {
    ec2.on(DescribeImagesCommand).rejects(notFound('InvalidAMIID.NotFound'));

    await expect(store().state('ami-1')).resolves.toEqual({ state: 'pending' });
    expect(ec2.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it('fails an available image whose snapshot is not encrypted', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [available] });
    ec2
      .on(DescribeSnapshotsCommand)
      .resolves({ Snapshots: [{ SnapshotId: 'snap-1', Encrypted: false }] });

    await expect(store().state('ami-1')).resolves.toEqual({
      state: 'failed',
      reason: 'snapshot snap-1 is not encrypted',
    });
  });

  it("fails an available image whose snapshot is encrypted with another key than the stack's", async () => {
    const other = 'arn:aws:kms:us-east-1:111122223333:key/other';
    ec2.on(DescribeImagesCommand).resolves({ Images: [available] });
    ec2.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotId: 'snap-1', Encrypted: true, KmsKeyId: other }],
    });

    await expect(store().state('ami-1')).resolves.toEqual({
      state: 'failed',
      reason: `snapshot snap-1 is encrypted with KMS key ${other}, not the stack's key ${stackKey}`,
    });
  });

  it("accepts an available image whose snapshots are encrypted with the stack's key", async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [available] });
    ec2.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotId: 'snap-1', Encrypted: true, KmsKeyId: stackKey }],
    });

    await expect(store().state('ami-1')).resolves.toEqual({ state: 'available' });
  });

  it('deletes without waiting: one deregistration, then any snapshot left by id', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [available] });
    ec2.on(DeregisterImageCommand).resolves({});
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-1' }] });
    ec2.on(DeleteSnapshotCommand).resolves({});

    await store().delete('ami-1');

    expect(ec2.commandCalls(DescribeImagesCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DeregisterImageCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DeleteSnapshotCommand)[0]?.args[0].input).toEqual({
      SnapshotId: 'snap-1',
    });
  });

  it('finds the snapshots of an AMI already deregistered by their description', async () => {
    ec2.on(DescribeImagesCommand).rejects(notFound('InvalidAMIID.NotFound'));
    ec2
      .on(DescribeSnapshotsCommand, { OwnerIds: ['self'] })
      .resolves({ Snapshots: [{ SnapshotId: 'snap-9' }] })
      .on(DescribeSnapshotsCommand, { SnapshotIds: ['snap-9'] })
      .resolves({ Snapshots: [{ SnapshotId: 'snap-9' }] });
    ec2.on(DeleteSnapshotCommand).resolves({});

    await store().delete('ami-1');

    const lookup = ec2.commandCalls(DescribeSnapshotsCommand)[0]?.args[0].input;
    expect(lookup?.Filters).toEqual([
      { Name: 'description', Values: ['Created by CreateImage(*) for ami-1*'] },
    ]);
    expect(ec2.commandCalls(DeregisterImageCommand)).toHaveLength(0);
    expect(ec2.commandCalls(DeleteSnapshotCommand)[0]?.args[0].input).toEqual({
      SnapshotId: 'snap-9',
    });
  });

  it('fails a delete whose snapshot cannot be deleted, saying which', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [available] });
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-1' }] });
    ec2.on(DeleteSnapshotCommand).rejects(notFound('InvalidSnapshot.InUse'));

    await expect(store().delete('ami-1')).rejects.toThrow(
      'Snapshot snap-1 of AMI ami-1 was not deleted: InvalidSnapshot.InUse',
    );
  });
});

describe('AwaitImage on EC2', () => {
  const deps = () => ({ store: store() }) as unknown as BakeDeps;
  const state = { buildId: 'b1', jobId: '1', bakedImage: { ref: 'ami-1' } };

  it('looks once and asks the Retry for another look while the AMI is pending', async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolves({ Images: [{ ImageId: 'ami-1', State: 'pending' }] });

    const attempt = awaitImage(state, deps());

    await expect(attempt).rejects.toBeInstanceOf(ImagePendingError);
    await expect(attempt).rejects.toThrow(
      'Bake of build b1 job 1: image ami-1 is still being created',
    );
    expect(ec2.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it.each<ImageState>(['failed', 'error', 'invalid', 'deregistered'])(
    'fails the bake with the reason of an AMI that is %s',
    async (amiState) => {
      ec2.on(DescribeImagesCommand).resolves({
        Images: [{ ImageId: 'ami-1', State: amiState, StateReason: { Message: 'why' } }],
      });

      await expect(awaitImage(state, deps())).rejects.toMatchObject({
        name: 'ImageBakeFailedError',
        message: `Bake of build b1 job 1: image ami-1 failed: the AMI is ${amiState}: why`,
      });
    },
  );
});

describe('the bake on EC2 under frozen timers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Whether a promise settles without any timer firing. */
  async function settlesWithoutTimers(promise: Promise<unknown>): Promise<boolean> {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (let turn = 0; turn < 20 && !settled; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }

    return settled;
  }

  it('never sleeps in a Lambda: AwaitImage on a pending AMI answers at once', async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolves({ Images: [{ ImageId: 'ami-1', State: 'pending' }] });
    const deps = { store: store() } as unknown as BakeDeps;
    const state = { buildId: 'b1', jobId: '1', bakedImage: { ref: 'ami-1' } };

    const attempt = awaitImage(state, deps);

    expect(await settlesWithoutTimers(attempt)).toBe(true);
    await expect(attempt).rejects.toBeInstanceOf(ImagePendingError);
  });

  it('never sleeps in a Lambda: a delete whose snapshot lingers answers at once', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [available] });
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-1' }] });

    const deletion = store().delete('ami-1');

    expect(await settlesWithoutTimers(deletion)).toBe(true);
    await expect(deletion).resolves.toBeUndefined();
  });
});

describe('AwsBaseImages', () => {
  const resolver = () =>
    new AwsBaseImages({
      ssm: new SSMClient({}),
      imageBuilder: new ImagebuilderClient({}),
      region: 'eu-west-1',
    });

  it('reads the AMI id of an SSM public parameter', async () => {
    const parameter =
      '/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id';
    ssm
      .on(GetParameterCommand, { Name: parameter })
      .resolves({ Parameter: { Value: 'ami-ubuntu' } });

    await expect(resolver().resolve({ kind: 'ssm', parameter })).resolves.toBe(
      'ami-ubuntu',
    );
  });

  it('picks the newest available pipeline image with an AMI in the region, across pages', async () => {
    const pipelineArn =
      'arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/vs2022';
    const amis = (image: string, region = 'eu-west-1') => ({ amis: [{ region, image }] });
    imageBuilder
      .on(ListImagePipelineImagesCommand, {
        imagePipelineArn: pipelineArn,
        nextToken: undefined,
      })
      .resolves({
        imageSummaryList: [
          {
            state: { status: 'AVAILABLE' },
            dateCreated: '2026-01-01T00:00:00Z',
            outputResources: amis('ami-old'),
          },
          {
            state: { status: 'BUILDING' },
            dateCreated: '2026-03-01T00:00:00Z',
            outputResources: amis('ami-building'),
          },
        ],
        nextToken: 'page-2',
      })
      .on(ListImagePipelineImagesCommand, {
        imagePipelineArn: pipelineArn,
        nextToken: 'page-2',
      })
      .resolves({
        imageSummaryList: [
          {
            state: { status: 'AVAILABLE' },
            dateCreated: '2026-02-01T00:00:00Z',
            outputResources: amis('ami-new'),
          },
          {
            state: { status: 'AVAILABLE' },
            dateCreated: '2026-02-15T00:00:00Z',
            outputResources: amis('ami-us', 'us-east-1'),
          },
        ],
      });

    const ref = await resolver().resolve({ kind: 'image-builder', pipelineArn });

    expect(ref).toBe('ami-new');
    const requests = imageBuilder
      .commandCalls(ListImagePipelineImagesCommand)
      .map((c) => c.args[0].input);
    expect(requests).toEqual([
      { imagePipelineArn: pipelineArn },
      { imagePipelineArn: pipelineArn, nextToken: 'page-2' },
    ]);
  });

  it('fails clearly when a pipeline has no available image', async () => {
    const pipelineArn =
      'arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/empty';
    imageBuilder.on(ListImagePipelineImagesCommand).resolves({ imageSummaryList: [] });

    await expect(
      resolver().resolve({ kind: 'image-builder', pipelineArn }),
    ).rejects.toThrow(
      `Image Builder pipeline ${pipelineArn} has no available image with an AMI in eu-west-1`,
    );
  });
});
