import { buildStream, isEvent } from '../shared/events/catalogue.ts';
import type { EventStore } from '../shared/events/store.ts';

/** Raised when a build does not finish in the time allowed. */
export class BuildWaitTimeoutError extends Error {
  override readonly name = 'BuildWaitTimeoutError';
}

/**
 * Waits until a build's stream records its end (BuildFinished, or
 * BuildSkipped for a commit the config filtered out) and returns its events.
 */
export async function waitForBuild(
  events: EventStore,
  buildId: string,
  timeoutMs: number,
): Promise<Awaited<ReturnType<EventStore['read']>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stream = await events.read(buildStream(buildId));
    const ended = stream.some(
      (e) => isEvent(e, 'BuildFinished') || isEvent(e, 'BuildSkipped'),
    );
    if (ended) return stream;
    if (Date.now() > deadline) {
      throw new BuildWaitTimeoutError(
        `Build ${buildId} did not finish within ${Math.round(timeoutMs / 1000)} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
