import { newEvent } from '../events/catalogue.ts';
import { allOf, appendToBuild, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { buildInput } from './inputs.ts';

type Deps = Pick<PipelineDeps, 'events' | 'fleet' | 'slots' | 'waiting' | 'log'>;

/**
 * Ends every runner of the build still running and gives back every job slot
 * the build holds, after the Map itself failed (fast_finish, a failed
 * iteration): the stopped iterations never reach their own TerminateRunner.
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

  return { terminated };
}
