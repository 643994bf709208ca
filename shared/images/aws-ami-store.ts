import {
  CreateImageCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
  EnableImageBlockPublicAccessCommand,
  type Image,
  type Tag,
} from '@aws-sdk/client-ec2';
import { ImageStoreError } from './errors.ts';
import { imageSlug } from './names.ts';
import type { ImageCaptureRequest, ImageStore, StoredImageState } from './ports.ts';
import { pause } from './wait.ts';

/** Options of the AMI store. */
export interface AwsAmiStoreOptions {
  readonly client: EC2Client;
  /** How long a delete waits for the AMI and its snapshots to go. Default 300 s. */
  readonly deleteTimeoutMs?: number;
  /** Pause between looks while deleting. Default 5 s. */
  readonly pollIntervalMs?: number;
  /**
   * Refuse an available AMI whose snapshots are not encrypted. Default true;
   * the runner's volumes are encrypted with the stack's key, and CreateImage
   * keeps that. moto reports no encryption on image block devices.
   */
  readonly requireEncryptedSnapshots?: boolean;
  /** Tests replace the pause. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The tag keys Bakehouse puts on its AMIs and their snapshots. */
export const amiTags = {
  image: 'bakehouse:image',
  version: 'bakehouse:version',
  build: 'bakehouse:build',
  job: 'bakehouse:job',
  commit: 'bakehouse:commit',
  parent: 'bakehouse:parent',
} as const;

const failedStates = new Set(['failed', 'error', 'invalid', 'deregistered', 'disabled']);

/** The AMI name of a bake: one per build and job, so one per image version. */
export function amiName(
  request: Pick<ImageCaptureRequest, 'imageName' | 'buildId' | 'jobId'>,
) {
  return `bakehouse-${imageSlug(request.imageName)}-${request.buildId}-${request.jobId}`;
}

/**
 * The image store on EC2: CreateImage from the runner with a reboot (so the
 * disk is consistent; the runner never shuts itself down), private by
 * account setting, encrypted because the runner's volumes are (with the
 * stack's key), tagged on the AMI and, once it is available, its snapshots.
 */
export class AwsAmiStore implements ImageStore {
  private privacyEnsured = false;

  constructor(private readonly options: AwsAmiStoreOptions) {}

  /** Finds the bake's AMI by name, or creates it; a failed leftover is replaced. */
  async capture(request: ImageCaptureRequest): Promise<string> {
    await this.ensurePrivate();
    const name = amiName(request);
    const existing = await this.findByName(name);
    if (existing?.ImageId && !failedStates.has(existing.State ?? '')) {
      return existing.ImageId;
    }
    if (existing?.ImageId) await this.delete(existing.ImageId);

    const tags = captureTags(request, name);
    try {
      const created = await this.ec2.send(
        new CreateImageCommand({
          InstanceId: request.runnerId,
          Name: name,
          Description: `Bakehouse image ${request.imageName}, build ${request.buildId}`,
          NoReboot: false,
          TagSpecifications: [{ ResourceType: 'image', Tags: tags }],
        }),
      );
      if (!created.ImageId)
        throw new ImageStoreError(`CreateImage for ${name} gave no id`);

      return created.ImageId;
    } catch (error) {
      // A concurrent retry of the same bake created it first.
      const raced = errorCode(error) === 'InvalidAMIName.Duplicate';
      const found = raced ? await this.findByName(name) : undefined;
      if (found?.ImageId) return found.ImageId;
      throw error;
    }
  }

  /** The AMI's state; an AMI not yet visible (eventual consistency) is pending. */
  /** The AMI of the bake, by its name, whatever its state. */
  async find(
    request: Pick<ImageCaptureRequest, 'imageName' | 'buildId' | 'jobId'>,
  ): Promise<string | undefined> {
    return (await this.findByName(amiName(request)))?.ImageId;
  }

  async state(ref: string): Promise<StoredImageState> {
    const image = await this.describe(ref);
    const state = image?.State ?? 'pending';
    if (failedStates.has(state)) {
      const reason = image?.StateReason?.Message ?? `the AMI is ${state}`;

      return { state: 'failed', reason };
    }
    if (state !== 'available') return { state: 'pending' };
    if (this.options.requireEncryptedSnapshots === false) return { state: 'available' };
    const unencrypted = (image?.BlockDeviceMappings ?? []).filter(
      (mapping) => mapping.Ebs && mapping.Ebs.Encrypted !== true,
    );
    if (unencrypted.length > 0) {
      const devices = unencrypted.map((m) => m.DeviceName).join(', ');

      return { state: 'failed', reason: `snapshots of ${devices} are not encrypted` };
    }

    return { state: 'available' };
  }

  /**
   * Tags the AMI with its registry version, and its snapshots (known once
   * the AMI is available) with the same tags as the AMI.
   */
  async markVersion(ref: string, version: number): Promise<void> {
    const image = await this.describe(ref);
    const own = (image?.Tags ?? []).filter((tag) => tag.Key !== amiTags.version);
    await this.ec2.send(
      new CreateTagsCommand({
        Resources: [ref, ...snapshotIds(image)],
        Tags: [...own, { Key: amiTags.version, Value: String(version) }],
      }),
    );
  }

  /** Deregisters the AMI with its snapshots and waits until both are gone. */
  async delete(ref: string): Promise<void> {
    const image = await this.describe(ref);
    if (!image || image.State === 'deregistered') return;
    const snapshots = snapshotIds(image);
    await this.ec2.send(
      new DeregisterImageCommand({ ImageId: ref, DeleteAssociatedSnapshots: true }),
    );

    const timeoutMs = this.options.deleteTimeoutMs ?? 300_000;
    const intervalMs = this.options.pollIntervalMs ?? 5_000;
    for (let waited = 0; waited <= timeoutMs; waited += intervalMs) {
      const left = await this.describe(ref);
      const imageGone = !left || left.State === 'deregistered';
      const snapshotsLeft = await this.existingSnapshots(snapshots);
      if (imageGone && snapshotsLeft.length === 0) return;
      // Recycle Bin rules or an emulator may leave them; delete them by id.
      if (imageGone) await this.deleteSnapshots(snapshotsLeft);
      await (this.options.sleep ?? pause)(intervalMs);
    }
    throw new ImageStoreError(
      `AMI ${ref} or its snapshots ${snapshots.join(', ')} still exist after ` +
        `${Math.round(timeoutMs / 1000)} s`,
    );
  }

  private async ensurePrivate(): Promise<void> {
    if (this.privacyEnsured) return;
    await this.ec2.send(
      new EnableImageBlockPublicAccessCommand({
        ImageBlockPublicAccessState: 'block-new-sharing',
      }),
    );
    this.privacyEnsured = true;
  }

  private async findByName(name: string): Promise<Image | undefined> {
    const found = await this.ec2.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: 'name', Values: [name] }],
      }),
    );

    return found.Images?.[0];
  }

  private async describe(ref: string): Promise<Image | undefined> {
    try {
      const found = await this.ec2.send(new DescribeImagesCommand({ ImageIds: [ref] }));

      return found.Images?.[0];
    } catch (error) {
      if (errorCode(error) === 'InvalidAMIID.NotFound') return undefined;
      throw error;
    }
  }

  private async existingSnapshots(ids: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (const id of ids) {
      try {
        const answer = await this.ec2.send(
          new DescribeSnapshotsCommand({ SnapshotIds: [id] }),
        );
        if ((answer.Snapshots ?? []).length > 0) found.push(id);
      } catch (error) {
        if (errorCode(error) !== 'InvalidSnapshot.NotFound') throw error;
      }
    }

    return found;
  }

  private async deleteSnapshots(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      try {
        await this.ec2.send(new DeleteSnapshotCommand({ SnapshotId: id }));
      } catch (error) {
        if (errorCode(error) !== 'InvalidSnapshot.NotFound') throw error;
      }
    }
  }

  private get ec2(): EC2Client {
    return this.options.client;
  }
}

function captureTags(request: ImageCaptureRequest, name: string): Tag[] {
  const parent = request.parent;
  const parentValue = `${parent.name}${parent.version ? `:v${parent.version}` : ''} ${parent.ref}`;

  return [
    { Key: 'Name', Value: name },
    { Key: amiTags.image, Value: request.imageName },
    { Key: amiTags.build, Value: request.buildId },
    { Key: amiTags.job, Value: request.jobId },
    { Key: amiTags.commit, Value: request.commit },
    { Key: amiTags.parent, Value: parentValue.slice(0, 256) },
  ];
}

function snapshotIds(image: Image | undefined): string[] {
  return (image?.BlockDeviceMappings ?? []).flatMap((m) =>
    m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [],
  );
}

function errorCode(error: unknown): string | undefined {
  return (error as { name?: string; Code?: string }).Code ?? (error as Error).name;
}
