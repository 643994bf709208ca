import type { PhaseName } from '../../config/plan.ts';

/** The payloads of the events of a `build-<id>` stream, by event type. */
export interface BuildEventData {
  /** A webhook asked for a build; the first event of every build stream. */
  BuildRequested: {
    readonly buildId: string;
    /** `owner/repo` as GitHub spells it. */
    readonly repository: string;
    /** The commit built (for a pull request, the merge commit). */
    readonly sha: string;
    /** The full git ref, e.g. `refs/heads/main`. */
    readonly ref: string;
    readonly branch?: string;
    readonly tag?: string;
    readonly pullRequest?: {
      readonly number: number;
      readonly headSha: string;
      readonly headBranch: string;
      readonly fromFork: boolean;
    };
    readonly commit: {
      readonly message: string;
      readonly author: { readonly name: string; readonly email: string };
    };
    /**
     * For a push that moved an existing ref, the commit it pointed to before;
     * with `sha` it gives the changed files when `changedFiles` is absent.
     */
    readonly before?: string;
    /** Files the push changed, when known; writers keep it to a few hundred paths. */
    readonly changedFiles?: readonly string[];
    /** The `X-GitHub-Delivery` id of the webhook. */
    readonly deliveryId: string;
    /** ISO 8601 time the webhook arrived. */
    readonly requestedAt: string;
    /**
     * The build this one builds again (an operator's rebuild): same commit
     * and trigger, a new build id. The delivery id stays the first build's.
     */
    readonly rebuildOf?: string;
  };
  /** The config was read and expanded into jobs. */
  ConfigLoaded: {
    readonly configPath: string;
    /** The config as read, so later tasks plan again deterministically. */
    readonly configText?: string;
    /**
     * What planning asked the source host beyond BuildRequested (a pull
     * request's files, an open pull request for the branch), kept so that
     * later tasks plan again with the very same trigger.
     */
    readonly triggerFacts?: {
      readonly changedFiles?: readonly string[];
      readonly branchHasOpenPullRequest?: boolean;
    };
    readonly jobs: readonly {
      readonly jobId: string;
      readonly name: string;
      readonly image: string;
    }[];
    readonly versionFormat: string;
    /**
     * The platforms of the images the jobs name, by image key, as the
     * registry (custom images) or the catalog (the operator's base images)
     * knew them: later tasks plan again with the same ones.
     */
    readonly imagePlatforms?: Readonly<Record<string, 'linux' | 'windows' | 'macos'>>;
    /** How many warnings the config produced (the messages are MessageAdded events). */
    readonly warnings: number;
  };
  /** The config could not be read; the build fails with no runner. */
  ConfigRejected: {
    readonly configPath?: string;
    readonly errors: readonly {
      readonly message: string;
      readonly line: number;
      readonly column: number;
    }[];
  };
  /** The config's filters decided not to build this commit. */
  BuildSkipped: { readonly reason: string };
  /** The build took its number and runs. */
  BuildStarted: { readonly number: number; readonly version: string };
  /** A job waits for a runner (for example behind `max_jobs`). */
  JobQueued: { readonly jobId: string };
  RunnerLaunched: {
    readonly jobId: string;
    readonly runnerId: string;
    /** The image the runner started from; `version` is absent for base images. */
    readonly image: ImageReference;
  };
  PhaseStarted: { readonly jobId: string; readonly phase: PhaseName };
  PhaseFinished: {
    readonly jobId: string;
    readonly phase: PhaseName;
    readonly outcome: PhaseOutcome;
    readonly exitCode: number;
    readonly durationMs: number;
    /** Where the phase's log lives: a CloudWatch log stream or a local file. */
    readonly logPointer: string;
  };
  /** A script set a variable through the build worker API; values are never stored. */
  VariableSet: {
    readonly jobId: string;
    readonly name: string;
    readonly secure?: boolean;
    /**
     * The value, kept for APPVEYOR_BAKE_IMAGE only: it names an image, is
     * never secret, and the bake decision needs it.
     */
    readonly value?: string;
  };
  /** A line for people: a config warning, why a bake did not happen, ... */
  MessageAdded: {
    readonly jobId?: string;
    readonly level: 'information' | 'warning' | 'error';
    readonly message: string;
  };
  /**
   * A job stored a file in the artifact store; the event points at it by key
   * and never holds its bytes. A later push of the same file name replaces it.
   */
  ArtifactPushed: {
    readonly jobId: string;
    /** Its name in listings: a relative path, e.g. `bin/app.zip`. */
    readonly fileName: string;
    /** The deployment name, when given. */
    readonly name?: string;
    readonly type: string;
    readonly size: number;
    /** The key in the artifact store: `artifacts/<build>/<job>/<fileName>`. */
    readonly key: string;
    /** Where the file was on the runner, as the script named it. */
    readonly path: string;
  };
  BakeStarted: { readonly jobId: string; readonly imageName: string };
  ImageBaked: {
    readonly jobId: string;
    readonly imageName: string;
    readonly version: number;
    /** The AMI id, or the local snapshot's folder. */
    readonly ref: string;
    readonly parent: ImageReference;
  };
  BakeFailed: {
    readonly jobId: string;
    readonly imageName?: string;
    readonly reason: string;
  };
  RunnerTerminated: {
    readonly jobId: string;
    readonly runnerId: string;
    readonly reason: string;
  };
  JobFinished: {
    readonly jobId: string;
    readonly status: JobStatus;
    /** True when the job may fail without failing the build (`allow_failures`). */
    readonly allowedFailure: boolean;
  };
  BuildFinished: {
    readonly status: BuildStatus;
    /** Why the build ended so, when someone said: the reason given to a cancel. */
    readonly reason?: string;
  };
}

/** An image as a runner used it: a name, its version when custom, and its ref. */
export interface ImageReference {
  readonly name: string;
  readonly version?: number;
  readonly ref: string;
}

/** How a phase ended. */
export type PhaseOutcome = 'success' | 'failed' | 'timedOut' | 'cancelled';

/** How a job ended. */
export type JobStatus = 'success' | 'failed' | 'cancelled' | 'interrupted';

/** How a build ended. */
export type BuildStatus = 'success' | 'failed' | 'error' | 'cancelled' | 'interrupted';
