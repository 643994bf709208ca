/**
 * Per-project build numbers, allocated by appending BuildNumberAllocated to
 * the project stream: the stream's optimistic concurrency makes numbers
 * never repeat, and allocating only on commit makes them never skip. The
 * project stream holds nothing else, so build number n is its version n.
 */
import { newEvent, projectStream } from '../events/catalogue.ts';
import { StreamVersionConflictError } from '../events/errors.ts';
import type { VersionedEventStore } from '../events/store.ts';

/** How hard to try when many builds start at once. */
export interface AllocationOptions {
  /** Attempts before giving up. Default 100. */
  readonly maxAttempts?: number;
  /** The first retry waits up to this many ms, doubling up to 64 ms. Default 2. */
  readonly baseDelayMs?: number;
}

/** Raised when a build number could not be allocated within the attempts allowed. */
export class BuildNumberContentionError extends Error {
  override readonly name = 'BuildNumberContentionError';
}

/**
 * Gives `buildId` the next build number of `repository` and returns it. A
 * repeat for the same build (a retried Lambda) returns the number it already
 * has, through the commit's idempotency key.
 */
export async function allocateBuildNumber(
  store: VersionedEventStore,
  repository: string,
  buildId: string,
  options: AllocationOptions = {},
): Promise<number> {
  const stream = projectStream(repository);
  const maxAttempts = options.maxAttempts ?? 100;
  const baseDelayMs = options.baseDelayMs ?? 2;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const version = await store.version(stream);
    const number = version + 1;
    try {
      const outcome = await store.commit({
        appends: [
          {
            streamId: stream,
            expectedVersion: version,
            events: [newEvent('BuildNumberAllocated', { buildId, number })],
          },
        ],
        idempotencyKey: `build-number#${buildId}`,
        result: { number },
      });

      return Number(outcome.result?.number ?? number);
    } catch (error) {
      if (!(error instanceof StreamVersionConflictError)) throw error;
      // Full jitter: concurrent losers spread out instead of colliding again.
      const cap = Math.min(64, baseDelayMs * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
    }
  }
  throw new BuildNumberContentionError(
    `No build number for build ${buildId} of ${repository} after ${maxAttempts} attempts`,
  );
}
