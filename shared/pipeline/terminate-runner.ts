import { newEvent } from '../events/catalogue.ts';
import { allOf, appendToBuild, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { type JobState, jobInput } from './inputs.ts';

type Deps = Pick<PipelineDeps, 'events' | 'fleet' | 'log'>;

/** Why a job's runner ends: the first failure caught, or the job's end. */
export function terminationReason(state: JobState): string {
  const failure = state.failure ?? state.finalizeFailure;

  return failure ? `job ended by ${failure.Error}` : 'job finished';
}

/**
 * Ends the job's runner on every path (success, failure, timeout, lost
 * runner) and records RunnerTerminated once; a job without a runner (a
 * failed launch) has nothing to end.
 */
export async function terminateRunner(input: unknown, deps: Deps): Promise<void> {
  const state = jobInput.parse(input);
  const { buildId, jobId } = state;
  const runnerId = state.runner?.runnerId;
  if (!runnerId) return;

  const reason = terminationReason(state);
  await deps.fleet.terminate(runnerId, reason);
  const build = await readBuild(deps.events, buildId);
  const recorded = allOf(build, 'RunnerTerminated').some(
    (e) => e.data.runnerId === runnerId,
  );
  if (!recorded) {
    const event = newEvent('RunnerTerminated', { jobId, runnerId, reason });
    await appendToBuild(deps.events, build, [event]);
  }
  deps.log.info('runner terminated', { buildId, jobId, runnerId, reason });
}
