import { pipelineErrors } from './names.ts';

/**
 * Typed errors of the pipeline. A Lambda's error name becomes the state's
 * Error, so the names here are the ones Retry and Catch match.
 */

/** A runner is not yet registered with SSM; the phase state retries it. */
export class RunnerNotReadyError extends Error {
  override readonly name = pipelineErrors.runnerNotReady;

  constructor(readonly runnerId: string) {
    super(`Runner ${runnerId} is not yet registered with SSM and cannot take a command`);
  }
}

/** A build stream lacks an event the task needs. */
export class BuildStateError extends Error {
  override readonly name = 'BuildStateError';

  constructor(buildId: string, what: string) {
    super(`Build ${buildId}: ${what}`);
  }
}

/** A job id that the build's plan does not have. */
export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';

  constructor(buildId: string, jobId: string) {
    super(`Build ${buildId} has no job ${jobId}`);
  }
}

/** A phase was sent to a runner that is ending or gone; the job fails at once. */
export class RunnerLostError extends Error {
  override readonly name = pipelineErrors.runnerLost;

  constructor(
    command: { runnerId: string; buildId: string; jobId: string; phase: string },
    state: string,
  ) {
    super(
      `Runner ${command.runnerId} of job ${command.jobId} in build ` +
        `${command.buildId} is ${state}: it cannot run phase ${command.phase}`,
    );
  }
}

/**
 * A concurrency cap under 1 (`max_jobs`, the installation's limit): no job
 * could ever take a slot, so the job fails at once instead of waiting.
 */
export class JobSlotCapError extends Error {
  override readonly name = 'JobSlotCapError';

  constructor(buildId: string, jobId: string, cap: string, limit: number) {
    super(
      `Job ${jobId} of build ${buildId} can never run: ${cap} is ${limit}, ` +
        'and a cap under 1 lets no job take a slot',
    );
  }
}
