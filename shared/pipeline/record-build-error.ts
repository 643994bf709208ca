import { newEvent } from '../events/catalogue.ts';
import { type BuildDecision, decideOnBuild } from './build-decision.ts';
import { allOf, type BuildView, lastOf, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import {
  type EndedRunner,
  endRunners,
  runnersTerminated,
  unrecorded,
} from './end-runners.ts';
import { describeCaught, failedBuildInput } from './inputs.ts';

type Deps = Pick<PipelineDeps, 'events' | 'fleet' | 'slots' | 'waiting' | 'log'>;

/**
 * Ends a build whose execution failed before FinishBuild recorded its end:
 * FinishBuild itself failed (the definition's Catch brings it here), or the
 * execution failed where no Catch reaches (States.Runtime, a timeout; the
 * execution's failure event brings it here). Ends the runners the build
 * still holds, gives its job slots back, and records RunnerTerminated,
 * JobFinished `cancelled` for its open jobs, an error message and
 * BuildFinished `error` with the cause. A build that ended keeps its end.
 */
export async function recordBuildError(
  input: unknown,
  deps: Deps,
): Promise<{ recorded: boolean }> {
  const { buildId, finishFailure } = failedBuildInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  if (ended(build)) return { recorded: false };

  const reason =
    `The pipeline of build ${buildId} failed before it recorded the build's end: ` +
    describeCaught(finishFailure);
  const runners = await endRunners(build, {}, reason, deps);
  await deps.slots.releaseBuild(buildId);
  const recorded = await decideOnBuild(deps.events, build, (now) =>
    errorEnd(now, runners, reason),
  );
  if (recorded) deps.log.warn('build ended in error', { buildId, reason });

  return { recorded };
}

/** The build's end as `error`, unless it ended meanwhile. */
function errorEnd(
  build: BuildView,
  runners: readonly EndedRunner[],
  reason: string,
): BuildDecision<boolean> {
  if (ended(build)) return { events: [], answer: false };
  const finished = new Set(allOf(build, 'JobFinished').map((e) => e.data.jobId));
  const jobs = lastOf(build, 'ConfigLoaded')?.data.jobs ?? [];
  const open = jobs.filter((job) => !finished.has(job.jobId));

  return {
    events: [
      ...runnersTerminated(unrecorded(build, runners), reason),
      ...open.map((job) =>
        newEvent('JobFinished', {
          jobId: job.jobId,
          status: 'cancelled',
          allowedFailure: false,
        }),
      ),
      newEvent('MessageAdded', { level: 'error', message: reason }),
      newEvent('BuildFinished', { status: 'error', reason }),
    ],
    answer: true,
  };
}

/** True when the build has its end: BuildFinished, or BuildSkipped. */
function ended(build: BuildView): boolean {
  return (
    lastOf(build, 'BuildFinished') !== undefined ||
    lastOf(build, 'BuildSkipped') !== undefined
  );
}
