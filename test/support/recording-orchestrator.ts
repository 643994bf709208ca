import { isDeepStrictEqual } from 'node:util';
import type { Orchestrator } from '../../shared/ports/orchestrator.ts';

/**
 * An Orchestrator that records each build it is asked to start, counting a
 * repeated build once (as execution names do), and hands every call on to
 * `inner` when given (the local orchestrator in integration tests).
 */
export class RecordingOrchestrator implements Orchestrator {
  readonly started = new Map<string, Readonly<Record<string, unknown>>>();
  /** Every call, repeats included. */
  calls = 0;
  /**
   * Repeated starts of a build with an input other than its first one's:
   * Step Functions refuses those while the first runs, so a repeat that
   * should start a missing execution would start the wrong one.
   */
  conflictingStarts = 0;
  #failures: Error[] = [];

  constructor(private readonly inner?: Orchestrator) {}

  async startBuild(
    buildId: string,
    input: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    this.calls += 1;
    const failure = this.#failures.shift();
    if (failure) throw failure;
    const first = this.started.get(buildId);
    if (!first) this.started.set(buildId, input);
    else if (!isDeepStrictEqual(first, input)) this.conflictingStarts += 1;
    await this.inner?.startBuild(buildId, input);
  }

  /** Makes the next call fail with `error` before anything is started. */
  failNext(error: Error = new Error('Step Functions is unavailable')): void {
    this.#failures.push(error);
  }
}
