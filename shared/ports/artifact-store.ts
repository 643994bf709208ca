/**
 * The artifact store port: where runners put the files a job pushes, and
 * how people fetch them. An S3 bucket on AWS (runners upload with a
 * presigned POST, people download with a presigned GET); a folder under the
 * state folder locally, served by the embedded backend.
 */

/**
 * Where one job's runner stores its artifacts during a phase: a folder it
 * copies into (the local runner shares the machine), or an S3 presigned
 * POST limited to the job's key prefix, which needs no AWS credentials on
 * the runner.
 */
export type ArtifactUpload =
  | { readonly kind: 'folder'; readonly folder: string }
  | {
      readonly kind: 'post';
      readonly url: string;
      /** The form fields of the policy; the runner adds `key` and `file`. */
      readonly fields: Readonly<Record<string, string>>;
      /** Every key the policy allows starts with it: `artifacts/<build>/<job>/`. */
      readonly keyPrefix: string;
    };

/** A URL that fetches an artifact's bytes without any other credential. */
export interface ArtifactDownload {
  readonly url: string;
  /** How long the URL works, when it expires. */
  readonly expiresInSeconds?: number;
}

/** The artifact store port. */
export interface ArtifactStore {
  /** Where a job stores artifacts during a phase that may last `expiresInSeconds`. */
  uploadTarget(
    buildId: string,
    jobId: string,
    expiresInSeconds: number,
  ): Promise<ArtifactUpload>;
  /** A short-lived URL of the artifact stored under `key`, named `fileName` when saved. */
  downloadUrl(key: string, fileName: string): Promise<ArtifactDownload>;
}
