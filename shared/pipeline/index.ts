import { recordBakeFailed } from '../images/bake-failure.ts';
import {
  applyRetention,
  awaitImage,
  type BakeDeps,
  createImage,
  decideBake,
  registerImage,
} from '../images/bake-tasks.ts';
import { acquireJobSlot } from './acquire-job-slot.ts';
import type { PipelineDeps } from './deps.ts';
import { finishBuild } from './finish-build.ts';
import { finishJob } from './finish-job.ts';
import { launchRunner } from './launch-runner.ts';
import { loadConfig } from './load-config.ts';
import { phaseStates, taskStateNames } from './names.ts';
import { recordBuildError } from './record-build-error.ts';
import { resolveImage } from './resolve-image.ts';
import { runPhase } from './run-phase.ts';
import { terminateBuildRunners } from './terminate-build-runners.ts';
import { terminateRunner } from './terminate-runner.ts';

/** A task of the pipeline: the state's input (after Parameters) and the deps. */
export type PipelineTask = (input: unknown, deps: PipelineDeps) => Promise<unknown>;

/**
 * A callback state's input as the Lambda integration builds it
 * (`{FunctionName, Payload}`), or the payload itself: the payload either way.
 */
function payloadOf(input: unknown): unknown {
  const wrapped = input as { FunctionName?: unknown; Payload?: unknown } | null;

  return wrapped && typeof wrapped === 'object' && 'Payload' in wrapped
    ? wrapped.Payload
    : input;
}

const runPhaseState: PipelineTask = (input, deps) => runPhase(payloadOf(input), deps);

/** A bake state: the bake task with the pipeline's events, planner and log. */
const bakeState =
  (task: (input: unknown, deps: BakeDeps) => Promise<unknown>): PipelineTask =>
  (input, deps) =>
    task(input, {
      ...deps.bake,
      events: deps.events,
      planBuild: deps.planBuild,
      log: deps.log,
    });

/**
 * Every task state of the state machine, by state name, with the function
 * that does its work. Phase states (see callbackStateNames) all run RunPhase;
 * their result arrives later through completePhase. Callback states take the
 * Lambda integration's `{FunctionName, Payload}` or the bare payload.
 */
export const pipelineTasks: Readonly<Record<string, PipelineTask>> = {
  [taskStateNames.loadConfig]: loadConfig,
  [taskStateNames.acquireJobSlot]: acquireJobSlot,
  [taskStateNames.resolveImage]: resolveImage,
  [taskStateNames.launchRunner]: launchRunner,
  ...Object.fromEntries(phaseStates.map((p) => [p.state, runPhaseState])),
  [taskStateNames.terminateRunner]: terminateRunner,
  [taskStateNames.finishJob]: finishJob,
  [taskStateNames.terminateBuildRunners]: terminateBuildRunners,
  [taskStateNames.finishBuild]: finishBuild,
  [taskStateNames.recordBuildError]: recordBuildError,
  [taskStateNames.decideBake]: bakeState(decideBake),
  [taskStateNames.createImage]: bakeState(createImage),
  [taskStateNames.awaitImage]: bakeState(awaitImage),
  [taskStateNames.registerImage]: bakeState(registerImage),
  [taskStateNames.applyRetention]: bakeState(applyRetention),
  [taskStateNames.recordBakeFailed]: bakeState(recordBakeFailed),
};

export { completePhase } from './complete-phase.ts';
export type * from './deps.ts';
export { callbackStateNames, pipelineErrors, taskStateNames } from './names.ts';
export { recordBuildError } from './record-build-error.ts';
export { failLostRunner } from './runner-lost.ts';
