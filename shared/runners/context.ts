import type { Trigger } from '../config/plan.ts';
import type { ArtifactUpload } from '../ports/artifact-store.ts';
import type { SecureValueDecryption } from './decryption.ts';

/** What a phase script needs to know about the build it belongs to. */
export interface BuildContext {
  readonly buildId: string;
  readonly buildNumber: number;
  /** The build version, e.g. `1.0.42`. */
  readonly version: string;
  /** `owner/repo`. */
  readonly repositoryName: string;
  /** Where the clone phase fetches the commit from. */
  readonly repositoryUrl: string;
  /** `gitHub` for GitHub repositories, `git` for a repository on disk. */
  readonly repositoryProvider: 'gitHub' | 'git';
  readonly trigger: Trigger;
  /** Pull-request details the trigger does not carry, when known. */
  readonly pullRequestTitle?: string;
  readonly pullRequestHeadRepositoryName?: string;
  readonly pullRequestHeadCommit?: string;
}

/**
 * The context of one phase script: the build, the image, the decryption port
 * and where the phase stores artifacts.
 */
export interface PhaseContext {
  readonly build: BuildContext;
  /** The resolved build worker image name, as first written. */
  readonly imageName: string;
  readonly decryption: SecureValueDecryption;
  readonly artifactUpload: ArtifactUpload;
  /**
   * The runner becomes an image once this phase ends (on_finish of a baking
   * job): the script's last act removes the job's state folder (its state
   * file, tools and reports), so that none of the job is in the image.
   */
  readonly imageFollows?: boolean;
}
