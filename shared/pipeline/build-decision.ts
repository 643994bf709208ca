import { buildStream, type EventType, type TypedNewEvent } from '../events/catalogue.ts';
import {
  IdempotencyInProgressError,
  StreamVersionConflictError,
} from '../events/errors.ts';
import type { EventStore } from '../events/store.ts';
import { type BuildView, readBuild } from './build-stream.ts';

/** The events to record on a build, as decided from the build as read. */
export type BuildEvents = readonly TypedNewEvent<EventType>[];

/** What a command decided on the build as it read it. */
export interface BuildDecision<A> {
  /** The events to append after the version read; none records nothing. */
  readonly events: BuildEvents;
  /** What the command answers when these events are recorded. */
  readonly answer: A;
}

/** How a decision is committed. */
export interface DecisionOptions {
  /**
   * Makes the commit idempotent: a commit of the same key recorded before
   * (an earlier delivery of the same result) appends nothing.
   */
  readonly idempotencyKey?: string;
}

/** Attempts of one decision; the jobs of a 40-job matrix may all append at once. */
const conflictAttempts = 200;

/**
 * Decides on the build and appends what was decided after the version it
 * was decided on. When another writer appended first (jobs run in parallel,
 * an operator cancels), it waits a random moment, growing up to a second,
 * reads the build again and decides again on what is there now: an event
 * that depends on the stream (the build's end, a phase's end, a runner's
 * termination) is never appended on top of events its decision did not see.
 * A commit of the same idempotency key in flight is waited for the same way.
 */
export async function decideOnBuild<A>(
  events: EventStore,
  build: BuildView,
  decide: (build: BuildView) => BuildDecision<A>,
  options: DecisionOptions = {},
): Promise<A> {
  const streamId = buildStream(build.buildId);
  let current = build;
  for (let attempt = 1; ; attempt++) {
    const decision = decide(current);
    if (decision.events.length === 0) return decision.answer;
    const expectedVersion = current.events.at(-1)?.version ?? 0;
    try {
      await events.commit({
        appends: [{ streamId, expectedVersion, events: decision.events }],
        ...(options.idempotencyKey !== undefined && {
          idempotencyKey: options.idempotencyKey,
        }),
      });
      return decision.answer;
    } catch (error) {
      const again =
        error instanceof StreamVersionConflictError ||
        error instanceof IdempotencyInProgressError;
      if (!again || attempt >= conflictAttempts) throw error;
      const ceiling = Math.min(1_000, 5 * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
      current = await readBuild(events, build.buildId);
    }
  }
}

/**
 * Appends the events `decide` gives for the build as read, deciding again on
 * the build as it is now whenever another writer appended first (see
 * {@link decideOnBuild}); resolves to the events appended.
 */
export async function appendToBuild(
  events: EventStore,
  build: BuildView,
  decide: (build: BuildView) => BuildEvents,
): Promise<BuildEvents> {
  return decideOnBuild(events, build, (current) => {
    const decided = decide(current);

    return { events: decided, answer: decided };
  });
}
