import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { jobArtifactPrefix, maxArtifactBytes } from '../artifacts/names.ts';
import type {
  ArtifactDownload,
  ArtifactStore,
  ArtifactUpload,
} from '../ports/artifact-store.ts';

/** How long a download URL works: five minutes. */
export const downloadUrlSeconds = 300;

/** The bucket artifacts go to, and the client that signs for it. */
export interface S3ArtifactStoreOptions {
  /** Signs with the Lambda's own credentials: the runner needs none. */
  readonly s3: S3Client;
  readonly bucket: string;
}

/**
 * The artifact store in S3. A runner uploads with a presigned POST whose
 * policy allows only keys under its job's prefix, files up to the size
 * limit, and expires with the phase; people download through a presigned
 * GET of five minutes. Signed with temporary credentials (a Lambda role's),
 * either lapses earlier if those credentials expire first.
 */
export class S3ArtifactStore implements ArtifactStore {
  constructor(private readonly options: S3ArtifactStoreOptions) {}

  async uploadTarget(
    buildId: string,
    jobId: string,
    expiresInSeconds: number,
  ): Promise<ArtifactUpload> {
    const keyPrefix = jobArtifactPrefix(buildId, jobId);
    const post = await createPresignedPost(this.options.s3, {
      Bucket: this.options.bucket,
      Key: `${keyPrefix}\${filename}`,
      Conditions: [
        ['starts-with', '$key', keyPrefix],
        ['content-length-range', 0, maxArtifactBytes],
      ],
      Expires: expiresInSeconds,
    });
    const { key: _key, ...fields } = post.fields;

    return { kind: 'post', url: post.url, fields, keyPrefix };
  }

  async downloadUrl(key: string, fileName: string): Promise<ArtifactDownload> {
    const name = encodeURIComponent(fileName.split('/').at(-1) ?? fileName);
    const url = await getSignedUrl(
      this.options.s3,
      new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename*=UTF-8''${name}`,
      }),
      { expiresIn: downloadUrlSeconds },
    );

    return { url, expiresInSeconds: downloadUrlSeconds };
  }
}
