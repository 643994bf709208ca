import { appendToBuild } from './build-decision.ts';
import { readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { endRunners, runnersTerminated, unrecorded } from './end-runners.ts';
import { type JobState, jobInput } from './inputs.ts';

type Deps = Pick<PipelineDeps, 'events' | 'fleet' | 'waiting' | 'log'>;

/** Why a job's runner ends: the first failure caught, or the job's end. */
export function terminationReason(state: JobState): string {
  const failure = state.failure ?? state.finalizeFailure;

  return failure ? `job ended by ${failure.Error}` : 'job finished';
}

/**
 * Ends the job's runner on every path (success, failure, timeout, lost
 * runner) and records RunnerTerminated once. A job whose state has no runner
 * (LaunchRunner failed, perhaps after EC2 had started the instance) still
 * has its runners found by their build and job tags, and ended.
 */
export async function terminateRunner(input: unknown, deps: Deps): Promise<void> {
  const state = jobInput.parse(input);
  const { buildId, jobId } = state;
  const reason = terminationReason(state);
  const build = await readBuild(deps.events, buildId);

  const known = state.runner ? [{ runnerId: state.runner.runnerId, jobId }] : [];
  const ended = await endRunners(build, { jobId, known }, reason, deps);
  await appendToBuild(deps.events, build, (now) =>
    runnersTerminated(unrecorded(now, ended), reason),
  );
  const runnerIds = ended.map((r) => r.runnerId);
  deps.log.info('runner terminated', { buildId, jobId, runnerIds, reason });
}
