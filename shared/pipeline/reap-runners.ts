import { newEvent } from '../events/catalogue.ts';
import { allOf, appendToBuild, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';

/** A runner Bakehouse tagged, as the reaper lists it. */
export interface TaggedRunner {
  readonly runnerId: string;
  readonly buildId: string;
  readonly jobId: string;
  /** ISO time from the runner's expiry tag. */
  readonly expiresAt: string;
}

/** The reaper's view of the fleet: tagged runners still alive, and termination. */
export interface RunnerReaper {
  listRunning(): Promise<TaggedRunner[]>;
  terminate(runnerId: string): Promise<void>;
}

/** What one pass of the reaper did. */
export interface ReapReport {
  readonly terminated: readonly string[];
  /** Runners whose termination failed; the next pass tries them again. */
  readonly failed: readonly string[];
}

type Deps = Pick<PipelineDeps, 'events' | 'log' | 'now'> & {
  readonly reaper: RunnerReaper;
};

/**
 * Terminates every tagged runner past its expiry and records RunnerTerminated
 * with the reason. A failed termination is logged and left for the next pass,
 * which finds the runner still running.
 */
export async function reapRunners(deps: Deps): Promise<ReapReport> {
  const now = deps.now();
  const expired = (await deps.reaper.listRunning()).filter(
    (r) => new Date(r.expiresAt) < now,
  );
  const terminated: string[] = [];
  const failed: string[] = [];

  for (const runner of expired) {
    const { runnerId, buildId, jobId } = runner;
    try {
      await deps.reaper.terminate(runnerId);
    } catch (error) {
      failed.push(runnerId);
      deps.log.warn('runner termination failed', {
        runnerId,
        buildId,
        error: String(error),
      });
      continue;
    }
    terminated.push(runnerId);
    await recordTermination(deps, runner, `expired at ${runner.expiresAt}`);
    deps.log.info('expired runner terminated', { runnerId, buildId, jobId });
  }

  return { terminated, failed };
}

async function recordTermination(deps: Deps, runner: TaggedRunner, reason: string) {
  const { buildId, jobId, runnerId } = runner;
  const build = await readBuild(deps.events, buildId).catch(() => undefined);
  if (!build) return;
  if (allOf(build, 'RunnerTerminated').some((e) => e.data.runnerId === runnerId)) return;

  await appendToBuild(deps.events, build, [
    newEvent('RunnerTerminated', { jobId, runnerId, reason }),
  ]);
}
