import { newEvent } from '../events/catalogue.ts';
import { appendToBuild } from './build-decision.ts';
import { allOf, readBuild } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { BuildStateError } from './errors.ts';

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
  /** Runners whose record or termination failed; the next pass tries them again. */
  readonly failed: readonly string[];
}

type Deps = Pick<PipelineDeps, 'events' | 'log' | 'now'> & {
  readonly reaper: RunnerReaper;
};

/**
 * Terminates every tagged runner past its expiry, recording RunnerTerminated
 * with the reason first: a runner whose record fails is left running, so the
 * next pass finds it again and records it then. Each runner is handled on its
 * own; a failure is logged, counted in `failed`, and the pass goes on.
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
      await recordTermination(deps, runner, `expired at ${runner.expiresAt}`);
      await deps.reaper.terminate(runnerId);
    } catch (error) {
      failed.push(runnerId);
      deps.log.warn('expired runner not reaped', {
        runnerId,
        buildId,
        jobId,
        error: String(error),
      });
      continue;
    }
    terminated.push(runnerId);
    deps.log.info('expired runner terminated', { runnerId, buildId, jobId });
  }

  return { terminated, failed };
}

/** Records RunnerTerminated once; a runner of no known build has nothing to record. */
async function recordTermination(deps: Deps, runner: TaggedRunner, reason: string) {
  const { buildId, jobId, runnerId } = runner;
  const build = await readBuild(deps.events, buildId).catch((error: unknown) => {
    if (error instanceof BuildStateError) return undefined;
    throw error;
  });
  if (!build) return;

  await appendToBuild(deps.events, build, (now) =>
    allOf(now, 'RunnerTerminated').some((e) => e.data.runnerId === runnerId)
      ? []
      : [newEvent('RunnerTerminated', { jobId, runnerId, reason })],
  );
}
