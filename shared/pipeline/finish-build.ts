import type { BuildStatus } from '../events/catalogue/build-events.ts';
import { newEvent } from '../events/catalogue.ts';
import { type BuildDecision, decideOnBuild } from './build-decision.ts';
import { allOf, type BuildView, lastOf, readBuild, replan } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { buildInput, type CaughtError, describeCaught } from './inputs.ts';
import { pipelineErrors } from './names.ts';

type Deps = Pick<PipelineDeps, 'events' | 'planBuild' | 'log'>;

type FinishInput = ReturnType<typeof buildInput.parse>;

/** What FinishBuild answers: the build's end, or `skipped`. */
export interface FinishBuildOutput {
  readonly status: BuildStatus | 'skipped';
}

/** What FinishBuild decided: the end, and whether this call recorded it. */
interface FinishAnswer extends FinishBuildOutput {
  readonly recorded: boolean;
  /** Why the build ended so, when the end says. */
  readonly reason?: string;
}

/**
 * Records the build's end: JobFinished `cancelled` for jobs the Map stopped,
 * then BuildFinished. Jobs whose failure is allowed (`allow_failures`) do not
 * fail the build, unless every job of the build is allowed to fail (as
 * AppVeyor rules); a rejected config fails it; a skipped build records nothing.
 * A LoadConfig that failed (GitHub, a secret) ends the build as `error`, with
 * a message saying what failed: no job ran, and no commit status stays pending.
 * A build that ended meanwhile (a cancel) keeps its end.
 */
export async function finishBuild(
  input: unknown,
  deps: Deps,
): Promise<FinishBuildOutput> {
  const parsed = buildInput.parse(input);
  const { buildId, matrixFailure } = parsed;
  const build = await readBuild(deps.events, buildId);

  const answer = await decideOnBuild(deps.events, build, (now) =>
    finishDecision(now, parsed, deps),
  );
  if (answer.recorded) {
    const cause = answer.reason ?? matrixFailure?.Cause;
    deps.log.info('build finished', { buildId, status: answer.status, cause });
  }

  return { status: answer.status };
}

/** What FinishBuild records on the build as it is now. */
function finishDecision(
  build: BuildView,
  input: FinishInput,
  deps: Pick<Deps, 'planBuild'>,
): BuildDecision<FinishAnswer> {
  const { matrixFailure, configFailure } = input;
  const earlier = lastOf(build, 'BuildFinished')?.data.status;
  if (earlier) return { events: [], answer: { status: earlier, recorded: false } };
  if (lastOf(build, 'BuildSkipped')) {
    return { events: [], answer: { status: 'skipped', recorded: false } };
  }
  const loaded = lastOf(build, 'ConfigLoaded');
  const rejected = lastOf(build, 'ConfigRejected');
  if (configFailure && !loaded && !rejected) return unloaded(build, configFailure);
  if (rejected) {
    return {
      events: [newEvent('BuildFinished', { status: 'failed' })],
      answer: { status: 'failed', recorded: true },
    };
  }

  const plan = replan(build, deps.planBuild);
  const finished = allOf(build, 'JobFinished');
  const done = new Set(finished.map((e) => e.data.jobId));
  const cancelled = plan.jobs
    .filter((job) => !done.has(job.id))
    .map((job) =>
      newEvent('JobFinished', {
        jobId: job.id,
        status: 'cancelled',
        allowedFailure: job.allowFailure,
      }),
    );
  const results = [...finished.map((e) => e.data), ...cancelled.map((e) => e.data)];
  const failures = results.filter((r) => r.status !== 'success');
  // An allowed failure fails the build too when every job is allowed to fail.
  const everyJobMayFail = results.every((r) => r.allowedFailure);
  const failed = failures.some((r) => !r.allowedFailure || everyJobMayFail);
  // A LoadConfig that failed after recording the plan ran no job: an error too.
  const broken =
    configFailure !== undefined ||
    (matrixFailure !== undefined && matrixFailure.Error !== pipelineErrors.matrixStopped);
  const status: BuildStatus = broken ? 'error' : failed ? 'failed' : 'success';

  return {
    events: [...cancelled, newEvent('BuildFinished', { status })],
    answer: { status, recorded: true },
  };
}

/** Ends a build whose config never loaded as `error`, saying what failed. */
function unloaded(
  build: BuildView,
  configFailure: CaughtError,
): BuildDecision<FinishAnswer> {
  const { buildId, requested } = build;
  const reason =
    `LoadConfig failed for build ${buildId} ` +
    `(${requested.repository} at ${requested.sha.slice(0, 7)}): ` +
    describeCaught(configFailure);

  return {
    events: [
      newEvent('MessageAdded', { level: 'error', message: reason }),
      newEvent('BuildFinished', { status: 'error', reason }),
    ],
    answer: { status: 'error', recorded: true, reason },
  };
}
