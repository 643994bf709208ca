import { type EventType, newEvent, type TypedNewEvent } from '../events/catalogue.ts';
import type { RunnerFleet } from '../ports/runner-fleet.ts';
import { allOf, type BuildView } from './build-stream.ts';
import type { WaitingPhases } from './deps.ts';

/** What ending runners needs: the fleet, and the phases runners wait on. */
export interface EndRunnersDeps {
  readonly fleet: Pick<RunnerFleet, 'terminate' | 'findRunners'>;
  readonly waiting: Pick<WaitingPhases, 'get' | 'clear'>;
}

/** A runner ended for a build, and the job it ran. */
export interface EndedRunner {
  readonly runnerId: string;
  readonly jobId: string;
}

/**
 * Terminates the runners of a build (or of one of its jobs) still running:
 * those the stream says were launched, those the caller knows of (a job's
 * state), and those the fleet finds by their build and job tags, whose
 * RunnerLaunched a failed or still running LaunchRunner never recorded; none
 * already recorded as terminated. Forgets their waiting phases and returns
 * them; recording RunnerTerminated is the caller's.
 */
export async function endRunners(
  build: BuildView,
  scope: { readonly jobId?: string; readonly known?: readonly EndedRunner[] },
  reason: string,
  deps: EndRunnersDeps,
): Promise<EndedRunner[]> {
  const { jobId } = scope;
  const ended = new Set(allOf(build, 'RunnerTerminated').map((e) => e.data.runnerId));
  const recorded = allOf(build, 'RunnerLaunched')
    .map((e) => ({ runnerId: e.data.runnerId, jobId: e.data.jobId }))
    .filter((r) => jobId === undefined || r.jobId === jobId);
  const found = await deps.fleet.findRunners({
    buildId: build.buildId,
    ...(jobId !== undefined && { jobId }),
  });
  const running = new Map<string, EndedRunner>();
  for (const runner of [...(scope.known ?? []), ...recorded, ...found]) {
    if (!ended.has(runner.runnerId)) running.set(runner.runnerId, runner);
  }

  for (const runner of running.values()) {
    await deps.fleet.terminate(runner.runnerId, reason);
    const waiting = await deps.waiting.get(runner.runnerId);
    if (waiting) await deps.waiting.clear(runner.runnerId, waiting.phase);
  }

  return [...running.values()].map(({ runnerId, jobId: job }) => ({
    runnerId,
    jobId: job,
  }));
}

/** The RunnerTerminated events of runners ended for one reason. */
export function runnersTerminated(
  runners: readonly EndedRunner[],
  reason: string,
): TypedNewEvent<EventType>[] {
  return runners.map(({ runnerId, jobId }) =>
    newEvent('RunnerTerminated', { jobId, runnerId, reason }),
  );
}

/**
 * The runners of `ended` the build does not record as terminated yet: a
 * cancel, the Map's cleanup and a job's own TerminateRunner may end the same
 * runner at once, and only the first records it.
 */
export function unrecorded(
  build: BuildView,
  ended: readonly EndedRunner[],
): EndedRunner[] {
  const recorded = new Set(allOf(build, 'RunnerTerminated').map((e) => e.data.runnerId));

  return ended.filter((r) => !recorded.has(r.runnerId));
}
