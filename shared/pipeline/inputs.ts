import { z } from 'zod/mini';
import { phaseOrder } from '../config/phases.ts';
import { type PhaseName, platforms } from '../config/plan.ts';

/**
 * The shapes of the state the pipeline passes between its tasks: ids and a
 * few small results, never plans. Each task parses its input with these.
 */

const id = z.string().check(z.minLength(1));

/** A failure caught into the state by a Catch (`$.failure` and the like). */
export const caughtError = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

/**
 * A caught error in words for the build's messages: its own message,
 * unwrapped from a Lambda's JSON cause, after the pipeline's name for it
 * (`RunnerLost: …`); a typed error's class name is left out.
 */
export function describeCaught(caught: z.infer<typeof caughtError>): string {
  const cause = caught.Cause ?? '';
  let message = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // A plain-text cause (the local orchestrator's, or a state's own) reads as it is.
  }

  if (!message) return caught.Error;
  // A typed error's class name (ImageNotFoundError) says nothing its message
  // does not; the pipeline's own names (RunnerLost, States.Timeout) do.
  return caught.Error.endsWith('Error') ? message : `${caught.Error}: ${message}`;
}

/** The execution's input, and what FinishBuild reads. */
export const buildInput = z.object({
  buildId: id,
  outcome: z.optional(z.string()),
  matrixFailure: z.optional(caughtError),
  /** Why LoadConfig failed (the source host, a secret), caught by its Catch. */
  configFailure: z.optional(caughtError),
});

/** What RecordBuildError reads: the build, and why its execution failed. */
export const failedBuildInput = z.object({
  buildId: id,
  /** FinishBuild's failure, caught by its Catch; or the execution's own. */
  finishFailure: caughtError,
});

/** One job of the Map: a Map item, with what the iteration added so far. */
export const jobInput = z.object({
  buildId: id,
  jobId: id,
  image: z.optional(
    z.object({
      name: z.string(),
      platform: z.enum(platforms),
      ref: z.string(),
      version: z.optional(z.number()),
      base: z.boolean(),
      rootDevice: z.optional(z.string()),
    }),
  ),
  runner: z.optional(z.object({ runnerId: id })),
  failure: z.optional(caughtError),
  /** Why the job's bake failed, caught by the bake states. */
  bakeFailure: z.optional(caughtError),
  finalizeFailure: z.optional(caughtError),
});

/** What a phase state sends RunPhase. */
export const phaseInput = z.object({
  buildId: id,
  jobId: id,
  runnerId: id,
  phase: z.enum(phaseOrder as [PhaseName, ...PhaseName[]]),
  taskToken: id,
});

/** The state of one job of the Map. */
export type JobState = z.infer<typeof jobInput>;
/** A failure caught into the state. */
export type CaughtError = z.infer<typeof caughtError>;
