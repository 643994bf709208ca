import type { EventStore } from '../events/store.ts';
import type { JobSlots, PipelineLog, WaitingPhases } from '../pipeline/deps.ts';
import type { StoppableOrchestrator } from '../ports/orchestrator.ts';
import type { RunnerFleet } from '../ports/runner-fleet.ts';

/**
 * What the operators' build commands work with: the same ports the pipeline
 * uses, on AWS (Step Functions, EC2, DynamoDB) and locally alike.
 */
export interface BuildCommandDeps {
  readonly events: EventStore;
  readonly orchestrator: StoppableOrchestrator;
  readonly fleet: Pick<RunnerFleet, 'terminate' | 'findRunners'>;
  readonly slots: Pick<JobSlots, 'releaseBuild'>;
  readonly waiting: Pick<WaitingPhases, 'get' | 'clear'>;
  readonly log: PipelineLog;
  /** Default: a new ULID. */
  readonly newBuildId?: () => string;
  /** Default: the system clock. */
  readonly now?: () => Date;
}
