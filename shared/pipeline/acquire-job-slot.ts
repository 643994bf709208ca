import { newEvent } from '../events/catalogue.ts';
import { appendToBuild } from './build-decision.ts';
import { allOf, readBuild, replan } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { JobSlotCapError } from './errors.ts';
import { jobInput } from './inputs.ts';
import { leaseUntil } from './lease.ts';

type Deps = Pick<
  PipelineDeps,
  'events' | 'planBuild' | 'slots' | 'settings' | 'log' | 'now'
>;

/**
 * Takes a job slot when the project's `max_jobs` and the installation's limit
 * both allow; otherwise records JobQueued once and answers `acquired: false`,
 * and the state machine waits and asks again. A job is never failed for a
 * cap it waits behind; one under 1, that no job could pass, fails it at once.
 * The slot is held for a lease the job's phases renew; waiting jobs are not
 * served in order (see JobSlots).
 */
export async function acquireJobSlot(
  input: unknown,
  deps: Deps,
): Promise<{ acquired: boolean }> {
  const { buildId, jobId } = jobInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  const plan = replan(build, deps.planBuild);

  const installationLimit = deps.settings.installationMaxJobs;
  if (plan.maxJobs !== undefined && plan.maxJobs < 1) {
    throw new JobSlotCapError(buildId, jobId, 'max_jobs', plan.maxJobs);
  }
  if (installationLimit < 1) {
    throw new JobSlotCapError(
      buildId,
      jobId,
      "the installation's limit",
      installationLimit,
    );
  }

  const now = deps.now();
  const acquired = await deps.slots.acquire(
    {
      buildId,
      jobId,
      repository: build.requested.repository,
      ...(plan.maxJobs !== undefined && { projectLimit: plan.maxJobs }),
      installationLimit,
      expiresAt: leaseUntil(now, deps.settings),
    },
    now,
  );
  const queued = allOf(build, 'JobQueued').some((e) => e.data.jobId === jobId);
  if (!acquired && !queued) {
    await appendToBuild(deps.events, build, (now) =>
      allOf(now, 'JobQueued').some((e) => e.data.jobId === jobId)
        ? []
        : [newEvent('JobQueued', { jobId })],
    );
    deps.log.info('job queued behind a concurrency cap', { buildId, jobId });
  }

  return { acquired };
}
