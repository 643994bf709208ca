import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** What the artifact bucket is made with. */
export interface ArtifactBucketProps {
  /** The stack's key, which encrypts every artifact. */
  readonly key: kms.IKey;
  /** How long an artifact is kept; undefined keeps them until deleted by hand. */
  readonly retention?: Duration;
  /** What happens to the bucket when the stack is deleted; one with objects stays. */
  readonly removalPolicy: RemovalPolicy;
}

/** Where the keys of artifacts start: `artifacts/<build>/<job>/<file name>`. */
const artifactKeys = 'artifacts/*';

/**
 * The bucket of the builds' artifacts: private (every public access blocked,
 * objects owned by the bucket), encrypted with the stack's key, TLS only,
 * and emptied of artifacts past their retention. Runners upload with a
 * presigned POST the run-phase Lambda signs, so they hold no S3 permission.
 */
export class ArtifactBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        {
          id: 'ExpireArtifacts',
          prefix: 'artifacts/',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          ...(props.retention && { expiration: props.retention }),
        },
      ],
      removalPolicy: props.removalPolicy,
    });
  }

  /** Lets a role sign uploads of artifacts (s3:PutObject under `artifacts/`). */
  allowUploads(role: iam.IRole): void {
    this.#allow(role, 's3:PutObject');
  }

  /** Lets a role sign downloads of artifacts (s3:GetObject under `artifacts/`). */
  allowDownloads(role: iam.IRole): void {
    this.#allow(role, 's3:GetObject');
  }

  #allow(role: iam.IRole, action: string): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [action],
        resources: [this.bucket.arnForObjects(artifactKeys)],
      }),
    );
  }
}
