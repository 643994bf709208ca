import type { PipelineDeps } from './deps.ts';
import { pipelineErrors } from './names.ts';

type Deps = Pick<PipelineDeps, 'waiting' | 'callbacks' | 'log'>;

/**
 * Fails the phase a vanished runner was running (terminated, stopped, spot
 * interruption) at once, with error RunnerLost, instead of waiting for the
 * phase's timeout. A runner with no waiting phase needs nothing.
 */
export async function failLostRunner(
  runnerId: string,
  state: string,
  deps: Deps,
): Promise<boolean> {
  const waiting = await deps.waiting.get(runnerId);
  if (!waiting) return false;
  if (!(await deps.waiting.clear(runnerId, waiting.phase))) return false;

  const { buildId, jobId, phase } = waiting;
  const cause =
    `Runner ${runnerId} of job ${jobId} in build ${buildId} became ${state} ` +
    `during phase ${phase}`;
  await deps.callbacks.fail(waiting.callbackToken, pipelineErrors.runnerLost, cause);
  deps.log.warn('runner lost', { buildId, jobId, runnerId, phase, state });

  return true;
}
