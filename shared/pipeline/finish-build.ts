import type { BuildStatus } from '../events/catalogue/build-events.ts';
import { newEvent } from '../events/catalogue.ts';
import {
  allOf,
  appendToBuild,
  type BuildView,
  lastOf,
  readBuild,
  replan,
} from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { buildInput, type CaughtError, describeCaught } from './inputs.ts';
import { pipelineErrors } from './names.ts';

type Deps = Pick<PipelineDeps, 'events' | 'planBuild' | 'log'>;

/**
 * Records the build's end: JobFinished `cancelled` for jobs the Map stopped,
 * then BuildFinished. Jobs whose failure is allowed (`allow_failures`) do not
 * fail the build, unless every job of the build is allowed to fail (as
 * AppVeyor rules); a rejected config fails it; a skipped build records nothing.
 * A LoadConfig that failed (GitHub, a secret) ends the build as `error`, with
 * a message saying what failed: no job ran, and no commit status stays pending.
 */
export async function finishBuild(
  input: unknown,
  deps: Deps,
): Promise<{ status: BuildStatus | 'skipped' }> {
  const { buildId, matrixFailure, configFailure } = buildInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  const earlier = lastOf(build, 'BuildFinished');
  if (earlier) return { status: earlier.data.status };
  if (lastOf(build, 'BuildSkipped')) return { status: 'skipped' };

  if (
    configFailure &&
    !lastOf(build, 'ConfigLoaded') &&
    !lastOf(build, 'ConfigRejected')
  ) {
    return finishUnloaded(build, configFailure, deps);
  }

  if (lastOf(build, 'ConfigRejected')) {
    await appendToBuild(deps.events, build, [
      newEvent('BuildFinished', { status: 'failed' }),
    ]);
    deps.log.info('build finished', { buildId, status: 'failed' });

    return { status: 'failed' };
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
  await appendToBuild(deps.events, build, [
    ...cancelled,
    newEvent('BuildFinished', { status }),
  ]);
  deps.log.info('build finished', { buildId, status, cause: matrixFailure?.Cause });

  return { status };
}

/** Ends a build whose config never loaded as `error`, saying what failed. */
async function finishUnloaded(
  build: BuildView,
  configFailure: CaughtError,
  deps: Deps,
): Promise<{ status: BuildStatus }> {
  const { buildId, requested } = build;
  const reason =
    `LoadConfig failed for build ${buildId} ` +
    `(${requested.repository} at ${requested.sha.slice(0, 7)}): ` +
    describeCaught(configFailure);
  await appendToBuild(deps.events, build, [
    newEvent('MessageAdded', { level: 'error', message: reason }),
    newEvent('BuildFinished', { status: 'error', reason }),
  ]);
  deps.log.info('build finished', { buildId, status: 'error', cause: reason });

  return { status: 'error' };
}
