import type { ImageReference } from '../events/catalogue/build-events.ts';
import { newEvent } from '../events/catalogue.ts';
import { type BuildDecision, decideOnBuild } from './build-decision.ts';
import {
  allOf,
  type BuildView,
  jobOf,
  lastOf,
  readBuild,
  replan,
} from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { BuildStateError } from './errors.ts';
import { jobInput } from './inputs.ts';
import { leaseUntil } from './lease.ts';

type Deps = Pick<
  PipelineDeps,
  'events' | 'planBuild' | 'fleet' | 'settings' | 'log' | 'now'
>;

/**
 * Launches the job's runner from the resolved image and records
 * RunnerLaunched. The runner expires a phase timeout (and a margin) after
 * launch; every phase renews it. A pull request from a fork gets a runner
 * that cannot decrypt. A runner launched after its build finished (the Map
 * stopped or the build was cancelled while this task ran) is ended at once.
 */
export async function launchRunner(
  input: unknown,
  deps: Deps,
): Promise<{ runnerId: string }> {
  const { buildId, jobId, image } = jobInput.parse(input);
  if (!image) throw new BuildStateError(buildId, `job ${jobId} has no resolved image`);
  const build = await readBuild(deps.events, buildId);
  const launched = allOf(build, 'RunnerLaunched').find((e) => e.data.jobId === jobId);
  if (launched) return { runnerId: launched.data.runnerId };
  jobOf(build, replan(build, deps.planBuild), jobId);

  const expiresAt = leaseUntil(deps.now(), deps.settings);
  const fromFork = build.requested.pullRequest?.fromFork === true;
  const runnerId = await deps.fleet.launch({
    buildId,
    jobId,
    image,
    expiresAt,
    fromFork,
  });
  const reference: ImageReference = {
    name: image.name,
    ref: image.ref,
    ...(image.version !== undefined && { version: image.version }),
  };
  const now = await readBuild(deps.events, buildId);
  const recorded = await decideOnBuild(deps.events, now, (current) =>
    launchDecision(current, jobId, runnerId, reference),
  );
  if (recorded !== runnerId) {
    const reason = recorded
      ? `job ${jobId} has runner ${recorded} already`
      : 'the build finished while its runner launched';
    await deps.fleet.terminate(runnerId, reason);
    if (recorded) return { runnerId: recorded };
    throw new BuildStateError(
      buildId,
      `job ${jobId}: ${reason}; runner ${runnerId} ended`,
    );
  }
  deps.log.info('runner launched', {
    buildId,
    jobId,
    runnerId,
    image: image.name,
    expiresAt,
    fromFork,
  });

  return { runnerId };
}

/**
 * Records the launched runner on the build as it is now, answering the
 * runner the job has: this one, or one a repeated LaunchRunner recorded
 * first; undefined, recording nothing, when the build finished meanwhile.
 */
function launchDecision(
  build: BuildView,
  jobId: string,
  runnerId: string,
  image: ImageReference,
): BuildDecision<string | undefined> {
  if (lastOf(build, 'BuildFinished')) return { events: [], answer: undefined };
  const launched = allOf(build, 'RunnerLaunched').find((e) => e.data.jobId === jobId);
  if (launched) return { events: [], answer: launched.data.runnerId };

  return {
    events: [newEvent('RunnerLaunched', { jobId, runnerId, image })],
    answer: runnerId,
  };
}
