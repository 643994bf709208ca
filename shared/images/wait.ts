import { ImageBakeFailedError, ImagePendingError } from './errors.ts';
import type { ImageStore } from './ports.ts';

/** How long and how often to look at a pending image. */
export interface ImageWait {
  /** Give up after this long, in milliseconds. */
  readonly timeoutMs: number;
  /** Pause between looks, in milliseconds. */
  readonly intervalMs: number;
  /** Tests replace the pause. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Resolves after `ms` milliseconds. */
export const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits, for a bounded time, until an image is available. Throws
 * ImageBakeFailedError when the store reports it failed and ImagePendingError
 * when the time is up.
 */
export async function waitForImage(
  store: Pick<ImageStore, 'state'>,
  ref: string,
  wait: ImageWait,
): Promise<void> {
  const sleep = wait.sleep ?? pause;
  const deadline = Date.now() + wait.timeoutMs;
  for (let waited = 0; ; waited += wait.intervalMs) {
    const found = await store.state(ref);
    if (found.state === 'available') return;
    if (found.state === 'failed') {
      throw new ImageBakeFailedError(`Image ${ref} failed: ${found.reason}`);
    }
    if (Date.now() >= deadline || waited >= wait.timeoutMs) {
      throw new ImagePendingError(
        `Image ${ref} is still pending after ${Math.round(wait.timeoutMs / 1000)} s`,
      );
    }
    await sleep(wait.intervalMs);
  }
}
