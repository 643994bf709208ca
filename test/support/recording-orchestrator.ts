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

  constructor(private readonly inner?: Orchestrator) {}

  async startBuild(
    buildId: string,
    input: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    this.calls += 1;
    if (!this.started.has(buildId)) this.started.set(buildId, input);
    await this.inner?.startBuild(buildId, input);
  }
}
