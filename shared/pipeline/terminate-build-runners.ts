import { sweepBuildImages } from '../images/bake-failure.ts';
import { appendToBuild } from './build-decision.ts';
import { readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { endRunners, runnersTerminated, unrecorded } from './end-runners.ts';
import { buildInput } from './inputs.ts';

type Deps = Pick<PipelineDeps, 'events' | 'fleet' | 'slots' | 'waiting' | 'log' | 'bake'>;

/**
 * Ends every runner of the build still running, recorded or found by its
 * build tag, and gives back every job slot the build holds, after the Map
 * itself failed (fast_finish, a failed iteration): the stopped iterations
 * never reach their own TerminateRunner, nor their RecordBakeFailed, so
 * images they half made are swept too.
 */
export async function terminateBuildRunners(
  input: unknown,
  deps: Deps,
): Promise<{ terminated: string[] }> {
  const { buildId, matrixFailure } = buildInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  const reason = `the build's jobs stopped: ${matrixFailure?.Error ?? 'unknown error'}`;

  const ended = await endRunners(build, {}, reason, deps);
  await appendToBuild(deps.events, build, (now) =>
    runnersTerminated(unrecorded(now, ended), reason),
  );
  const released = await deps.slots.releaseBuild(buildId);
  const terminated = ended.map((r) => r.runnerId);
  deps.log.info('build runners terminated', { buildId, terminated, released, reason });
  await sweepImages(buildId, reason, deps);

  return { terminated };
}

/** Deletes the build's half-made images; a failed sweep is logged, never thrown. */
async function sweepImages(buildId: string, reason: string, deps: Deps): Promise<void> {
  const { events, log } = deps;
  try {
    const deleted = await sweepBuildImages(buildId, `bake stopped: ${reason}`, {
      ...deps.bake,
      events,
      log,
    });
    if (deleted.length > 0) log.info('half-made images deleted', { buildId, deleted });
  } catch (error) {
    log.warn('half-made images not swept', { buildId, error: String(error) });
  }
}
