import type {
  JobPlan,
  PhaseName,
  PlanResult,
  Platform,
  Trigger,
} from '../config/plan.ts';
import type { EventStore } from '../events/store.ts';
import type { BakeDeps } from '../images/bake-tasks.ts';
import type { ArtifactStore, ArtifactUpload } from '../ports/artifact-store.ts';
import type { ResolvedImage, RunnerFleet, TaskCallbacks } from '../ports/runner-fleet.ts';
import type { SourceHost } from '../ports/source-host.ts';

/**
 * What the pipeline's task functions need from the world. Each task takes
 * the slice it uses; AWS Lambdas and the local orchestrator build them.
 */

/**
 * Plans a build from its config text and trigger (the config engine). The
 * platforms of the images the registry or the catalog knows, by image key,
 * say what a name cannot.
 */
export type PlanBuild = (
  configText: string,
  trigger: Trigger,
  imagePlatforms?: Readonly<Record<string, Platform>>,
) => PlanResult;

/**
 * The platform an image name stands for, from what knows it: a custom
 * image's current version, else the base catalog; undefined for other names
 * (the planner then goes by the name).
 */
export type ImagePlatform = (name: string) => Promise<Platform | undefined>;

/** Hands out the project's next build number, once per build. */
export type AllocateBuildNumber = (
  repository: string,
  buildId: string,
) => Promise<number>;

/**
 * Turns a job's `image:` name into what its runner starts from, with the
 * warnings its log shows (the image side's resolveImage); throws
 * ImageNotFoundError for an unknown name.
 */
export type ResolveImageName = (name: string) => Promise<{
  readonly image: ResolvedImage;
  readonly warnings: readonly string[];
}>;

/** What the script generator needs to write one phase of a job. */
export interface PhaseScriptRequest {
  readonly buildId: string;
  readonly buildNumber: number;
  /** The build version, e.g. `1.0.42`. */
  readonly version: string;
  /** `owner/repo`. */
  readonly repository: string;
  readonly trigger: Trigger;
  readonly job: JobPlan;
  readonly phase: PhaseName;
  readonly image: ResolvedImage;
  /** Where the phase stores the artifacts it pushes. */
  readonly artifactUpload: ArtifactUpload;
  /** The runner becomes an image after this phase: it leaves none of the job's state. */
  readonly imageFollows?: boolean;
}

/** Generates a phase's script for the runner's shell (the runner script generator). */
export type GeneratePhaseScript = (request: PhaseScriptRequest) => Promise<{
  readonly shell: 'bash' | 'powershell';
  readonly script: string;
}>;

/** Where the tasks write their structured log lines (Powertools Logger on AWS). */
export interface PipelineLog {
  info(message: string, attributes: Readonly<Record<string, unknown>>): void;
  warn(message: string, attributes: Readonly<Record<string, unknown>>): void;
}

/**
 * Job slots: the project's `max_jobs` and the installation's limit. A slot's
 * holder carries an expiry that the job renews at every phase; a holder past
 * it (an execution stopped from the console, a States.Runtime error, a failed
 * cleanup) is given back by the next acquisition that finds the caps full.
 * Waiting jobs are not served in order (no FIFO): whichever asks first after
 * a slot frees takes it.
 */
export interface JobSlots {
  /**
   * Takes a slot for the job when both caps allow, after giving back holders
   * expired at `now`; true when the job holds one.
   */
  acquire(slot: JobSlotRequest, now: Date): Promise<boolean>;
  /** Moves the expiry of the job's holder; false when the job holds no slot. */
  renew(buildId: string, jobId: string, expiresAt: string): Promise<boolean>;
  /** Gives the job's slot back; a job holding none is not an error. */
  release(buildId: string, jobId: string): Promise<void>;
  /** Gives back every slot the build's jobs hold; returns their job ids. */
  releaseBuild(buildId: string): Promise<string[]>;
}

/** A job asking for a slot. */
export interface JobSlotRequest {
  readonly buildId: string;
  readonly jobId: string;
  readonly repository: string;
  /** The project's `max_jobs`, when set. */
  readonly projectLimit?: number;
  readonly installationLimit: number;
  /** ISO time after which the holder counts as gone, until renewed. */
  readonly expiresAt: string;
}

/** The phase a runner is busy with, and the token its state waits on. */
export interface WaitingPhase {
  readonly runnerId: string;
  readonly buildId: string;
  readonly jobId: string;
  readonly phase: PhaseName;
  readonly callbackToken: string;
  /** ISO time the phase was sent. */
  readonly startedAt: string;
  /**
   * The id of the command running the phase, once the fleet answered: only
   * that command's completion ends the phase.
   */
  readonly commandId?: string;
}

/** One small item per runner: the phase it runs now, for the callbacks. */
export interface WaitingPhases {
  put(waiting: WaitingPhase): Promise<void>;
  get(runnerId: string): Promise<WaitingPhase | undefined>;
  /**
   * Records the command running the runner's phase, when the runner still
   * waits on that callback token; true when it did.
   */
  recordCommand(
    runnerId: string,
    callbackToken: string,
    commandId: string,
  ): Promise<boolean>;
  /** Forgets the runner's phase when it is still `phase`; true when it was. */
  clear(runnerId: string, phase: PhaseName): Promise<boolean>;
}

/** The operator's settings the tasks read. */
export interface PipelineSettings {
  /** The most concurrent jobs of the whole installation. */
  readonly installationMaxJobs: number;
  /** How long a phase may run; the runner's expiry follows from it. */
  readonly phaseTimeoutSeconds: number;
  /**
   * The longest a bake may take after on_finish (create the image, wait for
   * it, register it): a baking job's runner is held that much longer.
   */
  readonly bakeTimeoutSeconds: number;
}

/**
 * What the bake states need beyond the pipeline's own dependencies: the
 * image registry and store, and the operator's image settings.
 */
export type BakeStateDeps = Omit<BakeDeps, 'events' | 'planBuild' | 'log'>;

/** Every dependency of the pipeline tasks. */
export interface PipelineDeps {
  readonly events: EventStore;
  readonly sourceHost: SourceHost;
  readonly planBuild: PlanBuild;
  readonly imagePlatform: ImagePlatform;
  readonly allocateBuildNumber: AllocateBuildNumber;
  readonly resolveImage: ResolveImageName;
  readonly fleet: RunnerFleet;
  readonly callbacks: TaskCallbacks;
  readonly slots: JobSlots;
  readonly waiting: WaitingPhases;
  readonly generatePhaseScript: GeneratePhaseScript;
  /** Where jobs store their artifacts. */
  readonly artifacts: ArtifactStore;
  readonly settings: PipelineSettings;
  readonly bake: BakeStateDeps;
  readonly log: PipelineLog;
  /** The current time; tests pin it. */
  readonly now: () => Date;
}
