import { appendToBuild, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { endRunners, runnersTerminated } from './end-runners.ts';
import { buildInput } from './inputs.ts';

type Deps = Pick<PipelineDeps, 'events' | 'fleet' | 'slots' | 'waiting' | 'log'>;

/**
 * Ends every runner of the build still running, recorded or found by its
 * build tag, and gives back every job slot the build holds, after the Map
 * itself failed (fast_finish, a failed iteration): the stopped iterations
 * never reach their own TerminateRunner.
 */
export async function terminateBuildRunners(
  input: unknown,
  deps: Deps,
): Promise<{ terminated: string[] }> {
  const { buildId, matrixFailure } = buildInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  const reason = `the build's jobs stopped: ${matrixFailure?.Error ?? 'unknown error'}`;

  const ended = await endRunners(build, {}, reason, deps);
  if (ended.length > 0) {
    await appendToBuild(deps.events, build, runnersTerminated(ended, reason));
  }
  const released = await deps.slots.releaseBuild(buildId);
  const terminated = ended.map((r) => r.runnerId);
  deps.log.info('build runners terminated', { buildId, terminated, released, reason });

  return { terminated };
}
