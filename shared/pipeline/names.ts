import type { PhaseName } from '../config/plan.ts';

/**
 * The state names of the build pipeline, in the build's own words. The state
 * machine in infra/ and the local orchestrator both key their tasks by them.
 */

/** A phase state and the phase it runs. */
export interface PhaseState {
  readonly state: string;
  readonly phase: PhaseName;
}

/** The main phases, in AppVeyor's order; a failure among them leads to on_failure. */
export const mainPhaseStates: readonly PhaseState[] = [
  { state: 'RunInit', phase: 'init' },
  { state: 'RunClone', phase: 'clone' },
  { state: 'RunInstall', phase: 'install' },
  { state: 'RunBeforeBuild', phase: 'before_build' },
  { state: 'RunBuildScript', phase: 'build_script' },
  { state: 'RunAfterBuild', phase: 'after_build' },
  { state: 'RunBeforeTest', phase: 'before_test' },
  { state: 'RunTestScript', phase: 'test_script' },
  { state: 'RunAfterTest', phase: 'after_test' },
];

/**
 * The closing phases: on_success or on_failure; for a baking job,
 * on_image_bake (which ends by removing the clone folder); then on_finish.
 */
export const closingPhaseStates = {
  onSuccess: { state: 'RunOnSuccess', phase: 'on_success' },
  onFailure: { state: 'RunOnFailure', phase: 'on_failure' },
  onImageBake: { state: 'RunOnImageBake', phase: 'on_image_bake' },
  onFinish: { state: 'RunOnFinish', phase: 'on_finish' },
} as const satisfies Record<string, PhaseState>;

/** Every phase state, each a `.waitForTaskToken` task ended by a callback. */
export const phaseStates: readonly PhaseState[] = [
  ...mainPhaseStates,
  ...Object.values(closingPhaseStates),
];

/** The task states that are not phases, each bound to one task function. */
export const taskStateNames = {
  loadConfig: 'LoadConfig',
  acquireJobSlot: 'AcquireJobSlot',
  resolveImage: 'ResolveImage',
  launchRunner: 'LaunchRunner',
  terminateRunner: 'TerminateRunner',
  finishJob: 'FinishJob',
  terminateBuildRunners: 'TerminateBuildRunners',
  finishBuild: 'FinishBuild',
  recordBuildError: 'RecordBuildError',
  decideBake: 'DecideBake',
  createImage: 'CreateImage',
  awaitImage: 'AwaitImage',
  registerImage: 'RegisterImage',
  applyRetention: 'ApplyRetention',
  recordBakeFailed: 'RecordBakeFailed',
} as const;

/** The state names that wait for a task token (the phases). */
export const callbackStateNames: readonly string[] = phaseStates.map((p) => p.state);

/** The errors the pipeline uses for control flow, as Step Functions sees them. */
export const pipelineErrors = {
  phaseFailed: 'PhaseFailed',
  /** `appveyor exit`: the remaining main phases are skipped, the finalizers run. */
  jobEndedEarly: 'JobEndedEarly',
  /** `exit 0`: the job ends green at once, without its finalizers. */
  jobExitedGreen: 'JobExitedGreen',
  /** `exit N`: the job ends red at once, without its finalizers. */
  jobExitedRed: 'JobExitedRed',
  runnerNotReady: 'RunnerNotReady',
  runnerLost: 'RunnerLost',
  /** The phase's result could not be recorded; the job fails with the reason. */
  phaseNotRecorded: 'PhaseNotRecorded',
  /** The runner reported the phase past its own timeout. */
  phaseTimedOut: 'PhaseTimedOut',
  matrixStopped: 'MatrixStopped',
  /** FinishBuild failed; RecordBuildError ended the build as `error`. */
  finishBuildFailed: 'FinishBuildFailed',
} as const;
