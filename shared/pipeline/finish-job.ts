import type { JobStatus } from '../events/catalogue/build-events.ts';
import { newEvent } from '../events/catalogue.ts';
import { failedJobBakeReason } from '../images/bake-tasks.ts';
import { appendToBuild } from './build-decision.ts';
import { allOf, jobOf, readBuild, replan } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { describeCaught, type JobState, jobInput } from './inputs.ts';
import { pipelineErrors } from './names.ts';

type Deps = Pick<PipelineDeps, 'events' | 'planBuild' | 'slots' | 'log'>;

/** What FinishJob tells the state machine. */
export interface FinishJobOutput {
  readonly status: JobStatus;
  /** True when fast_finish stops the build's other jobs. */
  readonly stopMatrix: boolean;
}

/**
 * The job's status from the failure caught in its state: none, or an
 * `exit 0`, is a success; anything else fails it, and so does a failed bake
 * (its owner expects an image). A failing finalizer (on_failure, on_finish)
 * does not change it.
 */
export function jobStatus(state: JobState): JobStatus {
  if (state.bakeFailure) return 'failed';
  const error = state.failure?.Error;
  if (error === undefined || error === pipelineErrors.jobExitedGreen) return 'success';

  return 'failed';
}

/**
 * Releases the job's slot, records JobFinished once, and says whether
 * fast_finish must stop the matrix (a failed job whose failure is not allowed).
 */
export async function finishJob(input: unknown, deps: Deps): Promise<FinishJobOutput> {
  const state = jobInput.parse(input);
  const { buildId, jobId } = state;
  await deps.slots.release(buildId, jobId);

  const build = await readBuild(deps.events, buildId);
  const plan = replan(build, deps.planBuild);
  const job = jobOf(build, plan, jobId);
  const status = jobStatus(state);
  await appendToBuild(deps.events, build, (now) => {
    // A cancel or a repeat recorded the job's end already: it stands.
    if (allOf(now, 'JobFinished').some((e) => e.data.jobId === jobId)) return [];
    // A failed bake already said why; a job that failed before it never decided.
    const bakeSkipped = status === 'failed' && !state.bakeFailure;
    const reason = bakeSkipped ? failedJobBakeReason(now, job, jobId) : undefined;
    const failure = failureMessage(state);

    return [
      ...(failure
        ? [newEvent('MessageAdded', { jobId, level: 'error', message: failure })]
        : []),
      ...(reason
        ? [newEvent('MessageAdded', { jobId, level: 'warning', message: reason })]
        : []),
      newEvent('JobFinished', { jobId, status, allowedFailure: job.allowFailure }),
    ];
  });
  deps.log.info('job finished', { buildId, jobId, status, cause: state.failure?.Cause });

  return {
    status,
    stopMatrix: plan.fastFinish && status !== 'success' && !job.allowFailure,
  };
}

/** The errors whose reason a phase's own log and PhaseFinished already tell. */
const phaseErrors: ReadonlySet<string> = new Set([
  pipelineErrors.phaseFailed,
  pipelineErrors.jobExitedRed,
  pipelineErrors.jobExitedGreen,
  pipelineErrors.jobEndedEarly,
]);

/**
 * Why a job failed outside its phases (an unknown image, a runner that could
 * not launch or was lost, a phase past its timeout), in words for the build's
 * messages: the error's own message, unwrapped from a Lambda's JSON cause.
 */
export function failureMessage(state: JobState): string | undefined {
  const failure = state.failure;
  if (!failure?.Error || phaseErrors.has(failure.Error)) return undefined;

  return describeCaught(failure);
}
