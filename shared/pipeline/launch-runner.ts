import { newEvent } from '../events/catalogue.ts';
import { allOf, appendToBuild, jobOf, readBuild, replan } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { BuildStateError } from './errors.ts';
import { jobInput } from './inputs.ts';
import { phaseStates } from './names.ts';

type Deps = Pick<
  PipelineDeps,
  'events' | 'planBuild' | 'fleet' | 'settings' | 'log' | 'now'
>;

/** Minutes a runner may outlive the sum of its phase timeouts (boot, terminate). */
const expirySlackSeconds = 30 * 60;

/**
 * Launches the job's runner from the resolved image and records
 * RunnerLaunched. The runner expires after every phase's timeout plus a
 * margin, so the reaper never takes a runner whose build still runs.
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

  const lifetime =
    phaseStates.length * deps.settings.phaseTimeoutSeconds + expirySlackSeconds;
  const expiresAt = new Date(deps.now().getTime() + lifetime * 1000).toISOString();
  const runnerId = await deps.fleet.launch({ buildId, jobId, image, expiresAt });
  const reference = {
    name: image.name,
    ref: image.ref,
    ...(image.version !== undefined && { version: image.version }),
  };
  await appendToBuild(deps.events, build, [
    newEvent('RunnerLaunched', { jobId, runnerId, image: reference }),
  ]);
  deps.log.info('runner launched', {
    buildId,
    jobId,
    runnerId,
    image: image.name,
    expiresAt,
  });

  return { runnerId };
}
