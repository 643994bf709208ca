import { bakeImageVariable } from '../config/bake.ts';
import type { PhaseOutcome } from '../events/catalogue/build-events.ts';
import { type EventType, newEvent, type TypedNewEvent } from '../events/catalogue.ts';
import type { BuildMessage, PhaseResult } from '../ports/runner-fleet.ts';
import { appendToBuild } from './build-decision.ts';
import { allOf, type BuildView, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { closingPhaseStates, pipelineErrors } from './names.ts';
import { pushedArtifactEvents } from './pushed-artifacts.ts';

type Deps = Pick<PipelineDeps, 'events' | 'callbacks' | 'waiting' | 'log'>;

const closingPhases: ReadonlySet<string> = new Set(
  Object.values(closingPhaseStates).map((p) => p.phase),
);

/**
 * Records how a phase ended (PhaseFinished, with the variables it set, the
 * messages it added and the artifacts it pushed) and ends the waiting state:
 * task success, or a task failure whose error steers the state machine. Used
 * by the SSM completion Lambda on AWS and by the local runner fleet alike; a
 * repeat records nothing.
 */
export async function completePhase(result: PhaseResult, deps: Deps): Promise<void> {
  const { buildId, jobId, phase } = result;
  const build = await readBuild(deps.events, buildId);
  const runner = allOf(build, 'RunnerLaunched').find((e) => e.data.jobId === jobId);
  if (runner) await deps.waiting.clear(runner.data.runnerId, phase);

  await appendToBuild(deps.events, build, (now) =>
    phaseRecorded(now, jobId, phase) ? [] : phaseEvents(result),
  );
  deps.log.info('phase finished', {
    buildId,
    jobId,
    phase,
    outcome: result.outcome,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    artifacts: result.artifacts?.length ?? 0,
  });

  const error = callbackError(result);
  if (!error) {
    await deps.callbacks.succeed(result.callbackToken, {
      phase,
      exitCode: result.exitCode,
    });
    return;
  }
  const cause =
    `Phase ${phase} of job ${jobId} in build ${buildId} ended ${result.outcome} ` +
    `with exit code ${result.exitCode}; log: ${result.logPointer}`;
  await deps.callbacks.fail(result.callbackToken, error, cause);
}

/** True when the build already holds the phase's end (a repeat, or a race). */
function phaseRecorded(build: BuildView, jobId: string, phase: string): boolean {
  return allOf(build, 'PhaseFinished').some(
    (e) => e.data.jobId === jobId && e.data.phase === phase,
  );
}

/** The task failure error for a result, or undefined when the phase succeeded. */
export function callbackError(result: PhaseResult): string | undefined {
  const skip = result.skipFinalizers === true;
  switch (result.outcome) {
    case 'succeeded':
      return undefined;
    case 'exited-green':
      if (skip) return pipelineErrors.jobExitedGreen;
      return closingPhases.has(result.phase) ? undefined : pipelineErrors.jobEndedEarly;
    case 'failed':
      return skip ? pipelineErrors.jobExitedRed : pipelineErrors.phaseFailed;
    case 'timed-out':
      return pipelineErrors.phaseTimedOut;
    case 'runner-lost':
      return pipelineErrors.runnerLost;
  }
}

const outcomes: Record<PhaseResult['outcome'], PhaseOutcome> = {
  succeeded: 'success',
  'exited-green': 'success',
  failed: 'failed',
  'timed-out': 'timedOut',
  'runner-lost': 'failed',
};

const levels: Record<BuildMessage['category'], 'information' | 'warning' | 'error'> = {
  Information: 'information',
  Warning: 'warning',
  Error: 'error',
};

function phaseEvents(result: PhaseResult): TypedNewEvent<EventType>[] {
  const { jobId, phase } = result;

  return [
    ...Object.entries(result.variables).map(([name, value]) =>
      newEvent('VariableSet', {
        jobId,
        name,
        ...(name === bakeImageVariable && { value }),
      }),
    ),
    ...result.messages.map((m) =>
      newEvent('MessageAdded', { jobId, level: levels[m.category], message: m.message }),
    ),
    ...pushedArtifactEvents(result),
    newEvent('PhaseFinished', {
      jobId,
      phase,
      outcome: outcomes[result.outcome],
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      logPointer: result.logPointer,
    }),
  ];
}
