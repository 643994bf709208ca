import {
  CreateImageCommand,
  CreateTagsCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  type EC2Client,
  EnableImageBlockPublicAccessCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import { AmiSnapshots, errorCode, snapshotIds } from './aws-ami-snapshots.ts';
import { amiName, amiTags, captureTags, tagValue } from './aws-ami-tags.ts';
import { ImageStoreError } from './errors.ts';
import type {
  BuildImage,
  ImageCaptureRequest,
  ImageStore,
  StoredImageState,
} from './ports.ts';

/** Options of the AMI store. */
export interface AwsAmiStoreOptions {
  readonly client: EC2Client;
  /** The value of the `bakehouse:installation` tag on every AMI and snapshot. */
  readonly installation: string;
  /**
   * The KMS key the runners' volumes are encrypted with (its ARN): an AMI
   * whose snapshots are not encrypted with it fails its bake. `unchecked`
   * skips the check, for emulators that report no encryption (moto).
   */
  readonly snapshotKey: { readonly arn: string } | 'unchecked';
}

const failedStates = new Set(['failed', 'error', 'invalid', 'deregistered', 'disabled']);

/**
 * The image store on EC2: CreateImage from the runner with a reboot (so the
 * disk is consistent; the runner never shuts itself down), private by
 * account setting, encrypted because the runner's volumes are (with the
 * stack's key), the AMI and its snapshots tagged at creation. No call waits:
 * AwaitImage looks once per attempt and the state machine's Retry waits.
 */
export class AwsAmiStore implements ImageStore {
  private privacyEnsured = false;
  private readonly snapshots: AmiSnapshots;

  constructor(private readonly options: AwsAmiStoreOptions) {
    this.snapshots = new AmiSnapshots(options.client);
  }

  /** Finds the bake's AMI by name, or creates it; a failed leftover is replaced. */
  async capture(request: ImageCaptureRequest): Promise<string> {
    await this.ensurePrivate();
    const name = amiName(request);
    const existing = await this.findByName(name);
    if (existing?.ImageId && !failedStates.has(existing.State ?? '')) {
      return existing.ImageId;
    }
    if (existing?.ImageId) await this.delete(existing.ImageId);

    const Tags = captureTags(request, this.options.installation);
    try {
      const created = await this.ec2.send(
        new CreateImageCommand({
          InstanceId: request.runnerId,
          Name: name,
          Description: `Bakehouse image ${request.imageName}, build ${request.buildId}`,
          NoReboot: false,
          TagSpecifications: [
            { ResourceType: 'image', Tags },
            { ResourceType: 'snapshot', Tags },
          ],
        }),
      );
      if (!created.ImageId) {
        throw new ImageStoreError(`CreateImage for ${name} gave no id`);
      }

      return created.ImageId;
    } catch (error) {
      // A concurrent retry of the same bake created it first.
      const raced = errorCode(error) === 'InvalidAMIName.Duplicate';
      const found = raced ? await this.findByName(name) : undefined;
      if (found?.ImageId) return found.ImageId;
      throw error;
    }
  }

  /** The AMI of the bake, by its name, whatever its state. */
  async find(
    request: Pick<ImageCaptureRequest, 'imageName' | 'buildId' | 'jobId'>,
  ): Promise<string | undefined> {
    return (await this.findByName(amiName(request)))?.ImageId;
  }

  /** This installation's AMIs of a build, by their tags, whatever their state. */
  async findByBuild(buildId: string): Promise<BuildImage[]> {
    const found = await this.ec2.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [
          { Name: `tag:${amiTags.installation}`, Values: [this.options.installation] },
          { Name: `tag:${amiTags.build}`, Values: [buildId] },
        ],
      }),
    );

    return (found.Images ?? []).flatMap((image) => {
      const jobId = tagValue(image.Tags, amiTags.job);

      return image.ImageId && jobId ? [{ ref: image.ImageId, jobId }] : [];
    });
  }

  /**
   * The AMI's state from one look; an AMI not yet visible (eventual
   * consistency) is pending. An available AMI whose snapshots are not
   * encrypted with the stack's key has failed.
   */
  async state(ref: string): Promise<StoredImageState> {
    const image = await this.describe(ref);
    const state = image?.State ?? 'pending';
    if (failedStates.has(state)) {
      const why = image?.StateReason?.Message;

      return { state: 'failed', reason: `the AMI is ${state}${why ? `: ${why}` : ''}` };
    }
    if (state !== 'available') return { state: 'pending' };
    const key = this.options.snapshotKey;
    if (key === 'unchecked' || !image) return { state: 'available' };
    const faults = await this.snapshots.encryptionFaults(image, key.arn);

    return faults.length > 0
      ? { state: 'failed', reason: faults.join('; ') }
      : { state: 'available' };
  }

  /** Tags the AMI and its snapshots with the registry version. */
  async markVersion(ref: string, version: number): Promise<void> {
    const image = await this.describe(ref);
    await this.ec2.send(
      new CreateTagsCommand({
        Resources: [ref, ...snapshotIds(image)],
        Tags: [{ Key: amiTags.version, Value: String(version) }],
      }),
    );
  }

  /**
   * Deregisters the AMI with its snapshots and deletes any snapshot left by
   * id, without waiting for either to go. Idempotent: a retry after the AMI
   * is gone finds its snapshots by the description CreateImage gave them.
   */
  async delete(ref: string): Promise<void> {
    const image = await this.describe(ref);
    const gone = !image || image.State === 'deregistered';
    const snapshots = gone ? await this.snapshots.createdFor(ref) : snapshotIds(image);
    if (!gone) {
      await this.ec2.send(
        new DeregisterImageCommand({ ImageId: ref, DeleteAssociatedSnapshots: true }),
      );
    }
    // Left by an emulator, or by a deletion the deregistration reported failed.
    for (const snapshot of await this.snapshots.existing(snapshots)) {
      await this.snapshots.delete(ref, snapshot.SnapshotId ?? '');
    }
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

  private get ec2(): EC2Client {
    return this.options.client;
  }
}
