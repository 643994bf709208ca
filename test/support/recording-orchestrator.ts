import type { Orchestrator } from '../../shared/ports/orchestrator.ts';

/**
 * An Orchestrator that records each build it is asked to start, counting a
 * second start of the same build once, as Step Functions' execution names do.
 */
export class RecordingOrchestrator implements Orchestrator {
  readonly started = new Map<string, Readonly<Record<string, unknown>>>();
  /** Every call, repeats included. */
  calls = 0;

  async startBuild(
    buildId: string,
    input: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    this.calls += 1;
    if (!this.started.has(buildId)) this.started.set(buildId, input);
  }
}
