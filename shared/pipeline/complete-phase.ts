import type { PhaseResult } from '../ports/runner-fleet.ts';
import { allOf, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { closingPhaseStates, pipelineErrors } from './names.ts';
import { recordPhase } from './phase-record.ts';

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
  try {
    const build = await readBuild(deps.events, buildId);
    const runner = allOf(build, 'RunnerLaunched').find((e) => e.data.jobId === jobId);
    if (runner) await deps.waiting.clear(runner.data.runnerId, phase);
    await recordPhase(deps.events, build, result);
  } catch (error) {
    // A result that cannot be recorded still ends the waiting state, so the
    // job fails now, saying why, instead of waiting out the phase's timeout.
    const cause =
      `The result of phase ${phase} of job ${jobId} in build ${buildId} could not ` +
      `be recorded: ${error instanceof Error ? error.message : String(error)}`;
    deps.log.warn('phase result not recorded', { buildId, jobId, phase, error });
    await deps.callbacks.fail(
      result.callbackToken,
      pipelineErrors.phaseNotRecorded,
      cause,
    );
    return;
  }
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
