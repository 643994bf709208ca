import type { PhaseName, Platform } from '../config/plan.ts';

/**
 * The runner fleet port: machines that run a job's phases. EC2 instances
 * driven by SSM Run Command on AWS; folders and bash processes locally.
 */

/** An image resolved to something a runner can start from. */
export interface ResolvedImage {
  /** The name as first written by its owner (custom) or the catalog (base). */
  readonly name: string;
  readonly platform: Platform;
  /** An AMI id on AWS; a snapshot folder (or empty for a base image) locally. */
  readonly ref: string;
  /** The custom image version, absent for base images. */
  readonly version?: number;
  /** True for a base image from the catalog. */
  readonly base: boolean;
  /**
   * The image's root device (`/dev/sda1`, `/dev/xvda`), which the runner's
   * root volume settings must name; absent where images have none (locally).
   */
  readonly rootDevice?: string;
}

/** What a runner is launched for. */
export interface RunnerSpec {
  readonly buildId: string;
  readonly jobId: string;
  readonly image: ResolvedImage;
  /** ISO time after which the reaper may terminate the runner, until renewed. */
  readonly expiresAt: string;
  /**
   * True for a pull request from a fork: its runner gets no means to decrypt
   * secure values (on AWS, an instance profile without kms:Decrypt). Absent
   * means false.
   */
  readonly fromFork?: boolean;
}

/** A runner the fleet still has (not terminated), and the job it was launched for. */
export interface FleetRunner {
  readonly runnerId: string;
  readonly buildId: string;
  readonly jobId: string;
}

/** Which runners to find: a build's, or one job's of it. */
export interface RunnerFilter {
  readonly buildId: string;
  readonly jobId?: string;
}

/** One phase sent to a runner: a script generated for the runner's shell. */
export interface PhaseCommand {
  readonly buildId: string;
  readonly jobId: string;
  readonly runnerId: string;
  readonly phase: PhaseName;
  readonly shell: 'bash' | 'powershell';
  /** The whole generated script of the phase. */
  readonly script: string;
  readonly timeoutSeconds: number;
  /**
   * The callback token the result goes back with: a Step Functions task
   * token on AWS, `<buildId>/<jobId>/<phase>` locally.
   */
  readonly callbackToken: string;
}

/** A message added through the build worker API (`appveyor AddMessage`). */
export interface BuildMessage {
  readonly message: string;
  readonly category: 'Information' | 'Warning' | 'Error';
  readonly details?: string;
}

/**
 * A file a job pushed (`appveyor PushArtifact`, `artifacts:`), as the runner
 * reports it once the file is in the artifact store.
 */
export interface PushedArtifact {
  /** Its name in the store and in listings: a relative path, e.g. `bin/app.zip`. */
  readonly fileName: string;
  /** The deployment name (`-DeploymentName`, `name:`), when given. */
  readonly name?: string;
  /** The artifact type (`-Type`, `type:`); `Auto` when not given. */
  readonly type: string;
  readonly size: number;
  /** Where the file was on the runner, as the script named it. */
  readonly path: string;
}

/** How a phase ended, as the runner reports it. */
export interface PhaseResult {
  readonly buildId: string;
  readonly jobId: string;
  readonly phase: PhaseName;
  readonly callbackToken: string;
  /**
   * `succeeded` and `failed` follow the exit code; `exited-green` is an
   * `exit 0` or `appveyor exit` that ends the job early; `timed-out` and
   * `runner-lost` come from the fleet, not the script.
   */
  readonly outcome: 'succeeded' | 'failed' | 'exited-green' | 'timed-out' | 'runner-lost';
  /**
   * True when the job ends here without its finalizers (on_success,
   * on_failure, on_finish): a script's `exit 0` or `exit N`, or `appveyor
   * exit` with APPVEYOR_SKIP_FINALIZE_ON_EXIT=true. Absent means false.
   */
  readonly skipFinalizers?: boolean;
  readonly exitCode: number;
  readonly durationMs: number;
  /** Variables set by `appveyor SetVariable` during the phase. */
  readonly variables: Readonly<Record<string, string>>;
  readonly messages: readonly BuildMessage[];
  /** Artifacts the phase pushed, in order; absent means none. */
  readonly artifacts?: readonly PushedArtifact[];
  /** Where the phase's whole output is kept: a file path or a log stream. */
  readonly logPointer: string;
}

/** The runner fleet port. */
export interface RunnerFleet {
  /** Starts a runner from the job's image; resolves to its id. */
  launch(spec: RunnerSpec): Promise<string>;
  /**
   * Starts a phase and resolves to the id of the command that runs it (SSM's
   * command id on AWS); the result comes back through the callback, not here.
   */
  startPhase(command: PhaseCommand): Promise<string>;
  /** Moves the time after which the reaper may terminate the runner. */
  renewExpiry(runnerId: string, expiresAt: string): Promise<void>;
  /** Ends a runner; ending one already gone is not an error. */
  terminate(runnerId: string, reason: string): Promise<void>;
  /**
   * The runners not yet terminated that were launched for a build (or one of
   * its jobs), found by what they were launched with rather than by the build
   * stream: a runner whose RunnerLaunched was never recorded is found too.
   */
  findRunners(filter: RunnerFilter): Promise<FleetRunner[]>;
}

/**
 * The task callback port: how a waiting state learns its phase finished.
 * SendTaskSuccess / SendTaskFailure on AWS; resolving the pending local task.
 */
export interface TaskCallbacks {
  succeed(token: string, output: Readonly<Record<string, unknown>>): Promise<void>;
  fail(token: string, error: string, cause: string): Promise<void>;
}
