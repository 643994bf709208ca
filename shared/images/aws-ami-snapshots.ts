import {
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
  type Image,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { ImageStoreError } from './errors.ts';

/**
 * The EBS snapshots behind a baked AMI: found from the AMI, or from the
 * description CreateImage gives them once the AMI is gone; checked for the
 * stack's encryption key; deleted by id.
 */
export class AmiSnapshots {
  constructor(private readonly ec2: EC2Client) {}

  /** The snapshots of these ids that still exist. */
  async existing(ids: readonly string[]): Promise<Snapshot[]> {
    const found: Snapshot[] = [];
    for (const id of ids) {
      try {
        const answer = await this.ec2.send(
          new DescribeSnapshotsCommand({ SnapshotIds: [id] }),
        );
        found.push(...(answer.Snapshots ?? []));
      } catch (error) {
        if (errorCode(error) !== 'InvalidSnapshot.NotFound') throw error;
      }
    }

    return found;
  }

  /** The ids of the snapshots CreateImage made for an AMI, found by their description. */
  async createdFor(ref: string): Promise<string[]> {
    const found = await this.ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [
          { Name: 'description', Values: [`Created by CreateImage(*) for ${ref}*`] },
        ],
      }),
    );

    return (found.Snapshots ?? []).flatMap((s) => (s.SnapshotId ? [s.SnapshotId] : []));
  }

  /** Deletes a snapshot of an AMI; one already gone is not an error. */
  async delete(ref: string, id: string): Promise<void> {
    try {
      await this.ec2.send(new DeleteSnapshotCommand({ SnapshotId: id }));
    } catch (error) {
      if (errorCode(error) === 'InvalidSnapshot.NotFound') return;
      throw new ImageStoreError(
        `Snapshot ${id} of AMI ${ref} was not deleted: ${(error as Error).message}`,
      );
    }
  }

  /** Why the AMI's snapshots are not all encrypted with the key; empty when they are. */
  async encryptionFaults(image: Image, keyArn: string): Promise<string[]> {
    const snapshots = await this.existing(snapshotIds(image));

    return snapshots.flatMap((snapshot) => {
      const id = snapshot.SnapshotId;
      if (snapshot.Encrypted !== true) return [`snapshot ${id} is not encrypted`];
      if (snapshot.KmsKeyId === keyArn) return [];

      return [
        `snapshot ${id} is encrypted with KMS key ${snapshot.KmsKeyId}, ` +
          `not the stack's key ${keyArn || '(none configured)'}`,
      ];
    });
  }
}

/** The ids of an AMI's EBS snapshots, from its block device mappings. */
export function snapshotIds(image: Image | undefined): string[] {
  return (image?.BlockDeviceMappings ?? []).flatMap((m) =>
    m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [],
  );
}

/** The code of an EC2 error, as the SDK or an emulator gives it. */
export function errorCode(error: unknown): string | undefined {
  return (error as { name?: string; Code?: string }).Code ?? (error as Error).name;
}
