import { newEvent } from '../events/catalogue.ts';
import { sweepBuildImages } from '../images/bake-failure.ts';
import { allOf, appendToBuild, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { buildInput } from './inputs.ts';

type Deps = Pick<PipelineDeps, 'events' | 'fleet' | 'slots' | 'waiting' | 'log' | 'bake'>;

/**
 * Ends every runner of the build still running and gives back every job slot
 * the build holds, after the Map itself failed (fast_finish, a failed
 * iteration): the stopped iterations never reach their own TerminateRunner,
 * nor their RecordBakeFailed, so images they half made are swept too.
 */
export async function terminateBuildRunners(
  input: unknown,
  deps: Deps,
): Promise<{ terminated: string[] }> {
  const { buildId, matrixFailure } = buildInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  const ended = new Set(allOf(build, 'RunnerTerminated').map((e) => e.data.runnerId));
  const running = allOf(build, 'RunnerLaunched').filter(
    (e) => !ended.has(e.data.runnerId),
  );
  const reason = `the build's jobs stopped: ${matrixFailure?.Error ?? 'unknown error'}`;

  for (const { data } of running) {
    await deps.fleet.terminate(data.runnerId, reason);
    const waiting = await deps.waiting.get(data.runnerId);
    if (waiting) await deps.waiting.clear(data.runnerId, waiting.phase);
  }
  if (running.length > 0) {
    await appendToBuild(
      deps.events,
      build,
      running.map(({ data }) =>
        newEvent('RunnerTerminated', {
          jobId: data.jobId,
          runnerId: data.runnerId,
          reason,
        }),
      ),
    );
  }
  const released = await deps.slots.releaseBuild(buildId);
  const terminated = running.map((e) => e.data.runnerId);
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
