import { newEvent } from '../events/catalogue.ts';
import { sweepBuildImages } from '../images/bake-failure.ts';
import { type BuildDecision, decideOnBuild } from '../pipeline/build-decision.ts';
import { allOf, type BuildView, lastOf } from '../pipeline/build-stream.ts';
import {
  type EndedRunner,
  endRunners,
  runnersTerminated,
  unrecorded,
} from '../pipeline/end-runners.ts';
import type { BuildCommandDeps } from './deps.ts';
import { BuildCommandRefusedError } from './errors.ts';
import { readExistingBuild } from './read-build.ts';

/** What a cancel did. */
export interface CancelOutcome {
  readonly buildId: string;
  readonly status: 'cancelled';
  readonly reason: string;
  /** The runners this cancel terminated (none when repeated). */
  readonly terminated: readonly string[];
  /** True when the build had been cancelled before: nothing was done. */
  readonly alreadyCancelled: boolean;
}

/** The reason recorded when the operator gives none. */
export const defaultCancelReason = 'cancelled by an operator';

type Deps = Pick<
  BuildCommandDeps,
  'events' | 'orchestrator' | 'fleet' | 'slots' | 'waiting' | 'log' | 'bake'
>;

/**
 * Cancels a build: stops its execution first (so no state launches another
 * runner), terminates the runners it still holds, gives its job slots back,
 * deletes the images its bakes half made (BakeFailed for each), and records
 * RunnerTerminated, JobFinished `cancelled` for every open job and
 * BuildFinished `cancelled` with the reason. Cancelling a cancelled build
 * again changes nothing; a build that ended otherwise is refused. Cancels
 * that race each other are decided on the build as each finds it when it
 * records: one records the end, the others answer `alreadyCancelled`.
 *
 * Runners are found by their build tag as well as by RunnerLaunched, so one
 * whose launch was not yet recorded is ended too. Known shortcoming on AWS:
 * StopExecution does not stop a task Lambda already running. A runner that
 * LaunchRunner starts after the sweep ends itself when it finds the build
 * finished (see launchRunner), else is left to the reaper (it expires a phase
 * timeout after launch); an AMI that CreateImage starts then is left (tagged
 * with its build). A FinishJob or FinishBuild running then decides again on
 * the cancelled build and records no second end. Locally the orchestrator
 * waits for its running tasks before the sweep, so none is left.
 * The phase a terminated runner was running is recorded as it ended (killed),
 * possibly just after BuildFinished.
 */
export async function cancelBuild(
  buildId: string,
  reason: string,
  deps: Deps,
): Promise<CancelOutcome> {
  const before = await readExistingBuild(deps.events, buildId);
  refuseEnded(before);
  await deps.orchestrator.stopBuild(buildId, `Cancelled: ${reason}`);

  // Tasks that ran while the execution stopped may have appended since.
  const build = await readExistingBuild(deps.events, buildId);
  const repeat = refuseEnded(build);
  if (repeat) return repeat;
  const said = `cancelled: ${reason}`;
  const ended = await endRunners(build, {}, said, deps);
  await deps.slots.releaseBuild(buildId);
  await sweepImages(buildId, `bake ${said}`, deps);

  const outcome = await decideOnBuild(deps.events, build, (now) =>
    cancelDecision(now, reason, ended),
  );
  if (!outcome.alreadyCancelled) {
    deps.log.info('build cancelled', { buildId, reason, terminated: outcome.terminated });
  }

  return outcome;
}

/**
 * What a cancel records on the build as it is now: nothing when it ended
 * meanwhile (another cancel, or its own end), else the runners this cancel
 * ended that no one recorded yet, every open job cancelled, and the end.
 */
function cancelDecision(
  build: BuildView,
  reason: string,
  ended: readonly EndedRunner[],
): BuildDecision<CancelOutcome> {
  const repeat = refuseEnded(build);
  if (repeat) return { events: [], answer: repeat };

  const said = `cancelled: ${reason}`;
  const newlyEnded = unrecorded(build, ended);
  const finished = new Set(allOf(build, 'JobFinished').map((e) => e.data.jobId));
  const jobs = lastOf(build, 'ConfigLoaded')?.data.jobs ?? [];
  const open = jobs.filter((job) => !finished.has(job.jobId));
  const events = [
    ...runnersTerminated(newlyEnded, said),
    ...open.map((job) =>
      newEvent('JobFinished', {
        jobId: job.jobId,
        status: 'cancelled',
        allowedFailure: false,
      }),
    ),
    newEvent('BuildFinished', { status: 'cancelled', reason }),
  ];
  const terminated = newlyEnded.map((r) => r.runnerId);

  return {
    events,
    answer: {
      buildId: build.buildId,
      status: 'cancelled',
      reason,
      terminated,
      alreadyCancelled: false,
    },
  };
}

/**
 * The outcome of a repeated cancel when the build was cancelled already;
 * throws for a build that ended otherwise; undefined while it runs.
 */
function refuseEnded(build: BuildView): CancelOutcome | undefined {
  const { buildId } = build;
  const finished = lastOf(build, 'BuildFinished');
  if (finished?.data.status === 'cancelled') {
    const reason = finished.data.reason ?? defaultCancelReason;

    return {
      buildId,
      status: 'cancelled',
      reason,
      terminated: [],
      alreadyCancelled: true,
    };
  }
  if (finished) {
    throw new BuildCommandRefusedError(
      `build ${buildId} already finished as ${finished.data.status}; ` +
        'only a running build can be cancelled',
    );
  }
  if (lastOf(build, 'BuildSkipped')) {
    throw new BuildCommandRefusedError(`build ${buildId} was skipped; nothing runs`);
  }

  return undefined;
}

/** Deletes what the build's bakes half made; a failed sweep is logged, never thrown. */
async function sweepImages(buildId: string, reason: string, deps: Deps) {
  const { bake, events, log } = deps;
  if (!bake) return;
  try {
    await sweepBuildImages(buildId, reason, { ...bake, events, log });
  } catch (error) {
    log.warn('half-made images not swept', { buildId, error: String(error) });
  }
}
