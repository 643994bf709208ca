import {
  CreateImageCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  EnableImageBlockPublicAccessCommand,
} from '@aws-sdk/client-ec2';
import {
  ImagebuilderClient,
  ListImagePipelineImagesCommand,
} from '@aws-sdk/client-imagebuilder';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsAmiStore } from '../../shared/images/aws-ami-store.ts';
import { AwsBaseImages } from '../../shared/images/aws-base-images.ts';
import type { ImageCaptureRequest } from '../../shared/images/ports.ts';
import { waitForImage } from '../../shared/images/wait.ts';

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

const encryptedRoot = [
  { DeviceName: '/dev/sda1', Ebs: { Encrypted: true, SnapshotId: 'snap-1' } },
];

function store(): AwsAmiStore {
  return new AwsAmiStore({ client: new EC2Client({}), sleep: async () => {} });
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

  it('names the parent image and version in a tag', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    ec2.on(CreateImageCommand).resolves({ ImageId: 'ami-new' });

    await store().capture(request);

    const input = ec2.commandCalls(CreateImageCommand)[0]?.args[0].input;
    expect(input?.TagSpecifications?.[0]?.Tags).toContainEqual({
      Key: 'bakehouse:parent',
      Value: 'tools:v2 ami-parent',
    });
  });

  it('reports a failed image with its reason, and the wait fails the bake', async () => {
    ec2.on(DescribeImagesCommand).resolves({
      Images: [
        { ImageId: 'ami-1', State: 'failed', StateReason: { Message: 'disk error' } },
      ],
    });

    const wait = waitForImage(store(), 'ami-1', { timeoutMs: 100, intervalMs: 10 });

    await expect(wait).rejects.toThrow('Image ami-1 failed: disk error');
  });

  it('treats an image not yet visible as pending, until the bounded wait ends', async () => {
    const notFound = Object.assign(new Error('not found'), {
      Code: 'InvalidAMIID.NotFound',
    });
    ec2.on(DescribeImagesCommand).rejects(notFound);
    const instant = { timeoutMs: 30, intervalMs: 10, sleep: async () => {} };

    const wait = waitForImage(store(), 'ami-1', instant);

    await expect(wait).rejects.toThrow('Image ami-1 is still pending after 0 s');
    expect(ec2.commandCalls(DescribeImagesCommand)).toHaveLength(4);
  });

  it('refuses an available image whose snapshots are not encrypted', async () => {
    ec2.on(DescribeImagesCommand).resolves({
      Images: [
        {
          ImageId: 'ami-1',
          State: 'available',
          BlockDeviceMappings: [{ DeviceName: '/dev/sdb', Ebs: { Encrypted: false } }],
        },
      ],
    });

    await expect(store().state('ami-1')).resolves.toEqual({
      state: 'failed',
      reason: 'snapshots of /dev/sdb are not encrypted',
    });
  });

  it('accepts an available image with encrypted snapshots', async () => {
    ec2.on(DescribeImagesCommand).resolves({
      Images: [
        { ImageId: 'ami-1', State: 'available', BlockDeviceMappings: encryptedRoot },
      ],
    });

    await expect(store().state('ami-1')).resolves.toEqual({ state: 'available' });
  });

  it('gives up waiting for a delete after its bound, saying what is left', async () => {
    ec2.on(DescribeImagesCommand).resolves({
      Images: [
        { ImageId: 'ami-1', State: 'available', BlockDeviceMappings: encryptedRoot },
      ],
    });
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-1' }] });
    const bounded = new AwsAmiStore({
      client: new EC2Client({}),
      deleteTimeoutMs: 20,
      pollIntervalMs: 10,
      sleep: async () => {},
    });

    await expect(bounded.delete('ami-1')).rejects.toThrow(
      'AMI ami-1 or its snapshots snap-1 still exist after 0 s',
    );
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
