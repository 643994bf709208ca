/**
 * The source host port: where repositories live. GitHub's REST API on AWS, a
 * git repository on disk locally.
 */

/** A config file found at a commit. */
export interface ConfigFile {
  /** `appveyor.yml`, `.appveyor.yml` or `appveyor.yaml`: the first found. */
  readonly path: string;
  readonly text: string;
}

/** A commit status, as GitHub shows it beside the commit. */
export interface CommitStatus {
  readonly repository: string;
  readonly sha: string;
  readonly state: 'pending' | 'success' | 'failure' | 'error';
  /** `continuous-integration/bakehouse/branch` or `.../pr`. */
  readonly context: string;
  readonly description: string;
  readonly targetUrl?: string;
}

/** The source host port. */
export interface SourceHost {
  /** The config at the commit, or undefined when the repository has none. */
  fetchConfig(repository: string, sha: string): Promise<ConfigFile | undefined>;
  /** Files a pull request changed (push payloads carry their own lists). */
  pullRequestFiles(repository: string, number: number): Promise<string[]>;
  /** True when the branch has an open pull request in the repository. */
  hasOpenPullRequest(repository: string, branch: string): Promise<boolean>;
  /**
   * Files changed between two commits, for a push whose payload lists were too
   * long to carry. Optional so that earlier adapters stay valid.
   */
  changedFiles?(repository: string, base: string, head: string): Promise<string[]>;
}

/** The status reporter port: GitHub commit statuses, or log lines locally. */
export interface StatusReporter {
  post(status: CommitStatus): Promise<void>;
}

/** A secret's current value and, during a rotation, its previous one. */
export interface SecretVersions {
  readonly current: string;
  readonly previous?: string;
}

/**
 * Where a secret comes from (the webhook secret, the GitHub token): Secrets
 * Manager on AWS, the environment or the state folder locally.
 */
export interface SecretSource {
  /** Reads the secret now; callers cache it. */
  load(): Promise<SecretVersions>;
}
