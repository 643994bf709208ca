/**
 * The typed reading of one appveyor.yml configuration, after validation and
 * before a trigger selects what runs. The planner turns it into jobs.
 */
import type {
  ArtifactSpec,
  CacheEntry,
  EnvironmentVariable,
  PhaseName,
  SourcePosition,
} from './plan.ts';

/** How a script line was written: plain, or prefixed with its shell. */
export type ScriptForm = 'plain' | 'cmd' | 'sh' | 'ps' | 'pwsh';

/** One script line as written, with its place in the file. */
export interface RawCommand extends SourcePosition {
  readonly form: ScriptForm;
  readonly script: string;
}

/** A pattern of a filter: `/regex/flags` or a plain, case-insensitive text. */
export type Pattern = { readonly regex: RegExp } | { readonly text: string };

/** `skip_commits` or `only_commits`. */
export interface CommitFilter {
  readonly message?: Pattern;
  readonly author?: Pattern;
  readonly files: readonly string[];
}

/** `branches: { only, except }`. */
export interface BranchFilter {
  readonly only: readonly Pattern[];
  readonly except: readonly Pattern[];
}

/** A condition of `allow_failures`, `exclude` or `for: matrix:`: key to value. */
export type MatrixCondition = Readonly<Record<string, string>>;

/** `environment`, split into variables for every job and the matrix rows. */
export interface EnvironmentConfig {
  readonly global: readonly EnvironmentVariable[];
  readonly matrix: readonly (readonly EnvironmentVariable[])[];
}

/** A configuration read and type-checked. */
export interface Config {
  readonly version?: string;
  readonly branches?: BranchFilter;
  readonly skipTags: boolean;
  readonly skipNonTags: boolean;
  readonly skipBranchWithPr: boolean;
  readonly skipCommits?: CommitFilter;
  readonly onlyCommits?: CommitFilter;
  readonly maxJobs?: number;
  readonly images: readonly string[];
  readonly platforms: readonly string[];
  readonly configurations: readonly string[];
  readonly environment: EnvironmentConfig;
  readonly fastFinish: boolean;
  readonly allowFailures: readonly MatrixCondition[];
  readonly exclude: readonly MatrixCondition[];
  /** `only`/`except` of a `for:` block's `matrix:`. */
  readonly matrixOnly: readonly MatrixCondition[];
  readonly matrixExcept: readonly MatrixCondition[];
  readonly scripts: Readonly<Partial<Record<PhaseName, readonly RawCommand[]>>>;
  readonly buildOff: boolean;
  readonly testOff: boolean;
  readonly cloneFolder?: string;
  readonly cloneDepth?: number;
  readonly shallowClone: boolean;
  readonly cache: readonly CacheEntry[];
  readonly services: readonly string[];
  readonly stack: readonly string[];
  readonly hosts: Readonly<Record<string, string>>;
  readonly artifacts: readonly ArtifactSpec[];
  readonly doNotIncrementBuildNumberOnPullRequests: boolean;
}
