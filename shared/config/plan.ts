/**
 * What the config engine produces from an appveyor.yml and a trigger: a build
 * plan (jobs with their images, environment and phases), a skip with its
 * reason, or the located errors that reject the config. The pipeline, the
 * runner script generator and the CLI all read these types.
 */

/** The operating system families of build worker images. */
export const platforms = ['linux', 'windows', 'macos'] as const;
/** Operating system family of a build worker image. */
export type Platform = (typeof platforms)[number];

/** How one script line runs: plain lines are cmd on Windows and bash on Linux. */
export type Shell = 'bash' | 'sh' | 'cmd' | 'ps' | 'pwsh';

/** A place in appveyor.yml, 1-based as AppVeyor reports it. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** An error or warning about the config, located in the file. */
export interface Diagnostic extends SourcePosition {
  /** The file it was read from, e.g. `appveyor.yml`. */
  readonly file: string;
  /** What is wrong, in AppVeyor's words where AppVeyor has them. */
  readonly message: string;
  /** The dotted key path, e.g. `environment.matrix[2].PY`. */
  readonly path?: string;
}

/** The phases of a job, in the order AppVeyor runs them. */
export type PhaseName =
  | 'init'
  | 'clone'
  | 'install'
  | 'before_build'
  | 'build_script'
  | 'after_build'
  | 'before_test'
  | 'test_script'
  | 'after_test'
  | 'before_deploy'
  | 'deploy_script'
  | 'after_deploy'
  | 'on_success'
  | 'on_failure'
  | 'on_image_bake'
  | 'on_finish';

/** One script line of a phase, with the shell it runs in. */
export interface ScriptCommand extends SourcePosition {
  readonly shell: Shell;
  readonly script: string;
}

/** A phase and the commands it runs; phases with no command are omitted. */
export interface PhasePlan {
  readonly name: PhaseName;
  readonly commands: readonly ScriptCommand[];
}

/** An environment variable of a job; a secure value stays ciphertext. */
export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
  /** True for `secure:` values, which only the runner decrypts. */
  readonly secure: boolean;
}

/** A `cache:` entry: a path, and the files whose change invalidates it. */
export interface CacheEntry {
  readonly path: string;
  readonly dependsOn: readonly string[];
}

/**
 * An `artifacts:` entry: files a job stores after `after_test`. The path is a
 * file, a folder or a wildcard, relative to the clone folder, as written.
 */
export interface ArtifactSpec {
  readonly path: string;
  /** The deployment name (`name:`), when set. */
  readonly name?: string;
  /** The artifact type (`type:`), when set; the runner says `Auto` otherwise. */
  readonly type?: string;
}

/** Whether and how a job may bake an image when it succeeds. */
export interface BakeIntent {
  /** The name set statically by APPVEYOR_BAKE_IMAGE in the job's environment. */
  readonly staticName?: string;
  /** True when a script of the job may set APPVEYOR_BAKE_IMAGE at run time. */
  readonly mayBeSetByScript: boolean;
}

/** One job of the build matrix, ready to run on a runner. */
export interface JobPlan {
  /** 1-based position in the matrix, as a string: `1`, `2`, ... */
  readonly id: string;
  /** A name for people: image, environment and platform that differ. */
  readonly name: string;
  /** The build worker image name as written (resolution comes later). */
  readonly image: string;
  readonly platform: Platform;
  /** `platform:` of the matrix (x86, x64, Any CPU), when set. */
  readonly buildPlatform?: string;
  readonly configuration?: string;
  readonly environment: readonly EnvironmentVariable[];
  readonly phases: readonly PhasePlan[];
  readonly allowFailure: boolean;
  readonly cloneFolder?: string;
  readonly cloneDepth?: number;
  readonly shallowClone: boolean;
  readonly cache: readonly CacheEntry[];
  readonly services: readonly string[];
  readonly stack: readonly string[];
  readonly hosts: Readonly<Record<string, string>>;
  readonly bake: BakeIntent;
  /** What `artifacts:` stores, collected at the end of after_test. */
  readonly artifacts: readonly ArtifactSpec[];
}

/** A build that runs: its jobs and how they run together. */
export interface BuildPlan {
  readonly kind: 'build';
  readonly jobs: readonly JobPlan[];
  /** The version format, e.g. `1.0.{build}`; `1.0.{build}` when unset. */
  readonly versionFormat: string;
  readonly fastFinish: boolean;
  /** `max_jobs`: the most concurrent jobs of this project, when set. */
  readonly maxJobs?: number;
  /** True when pull-request builds take no build number. */
  readonly doNotIncrementBuildNumberOnPullRequests: boolean;
  readonly warnings: readonly Diagnostic[];
  /** Keys accepted but not run by Bakehouse (deploy providers, notifications...). */
  readonly notRun: readonly Diagnostic[];
}

/** A commit the config's filters decided not to build. */
export interface SkippedBuild {
  readonly kind: 'skipped';
  /** Why, for people: "skipped, because ..." follows from it. */
  readonly reason: string;
  readonly warnings: readonly Diagnostic[];
}

/** A config that cannot be read; the build fails with no runner. */
export interface RejectedConfig {
  readonly kind: 'rejected';
  readonly errors: readonly Diagnostic[];
}

/** Every outcome of planning a build. */
export type PlanResult = BuildPlan | SkippedBuild | RejectedConfig;

/** What started a build, as the config's filters see it. */
export interface Trigger {
  /** The branch built; for a pull request, its base branch. */
  readonly branch?: string;
  /** The tag name, for a tag push. */
  readonly tag?: string;
  readonly pullRequest?: {
    readonly number: number;
    readonly headBranch: string;
    readonly fromFork: boolean;
  };
  readonly commit: {
    readonly sha: string;
    /** The whole message; filters and skip markers look at its title. */
    readonly message: string;
    readonly author: { readonly name: string; readonly email: string };
  };
  /** Files the push or pull request changed, when known. */
  readonly changedFiles?: readonly string[];
  /** True when the pushed branch has an open pull request. */
  readonly branchHasOpenPullRequest?: boolean;
}
