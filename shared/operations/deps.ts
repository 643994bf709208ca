import type { EventStore } from '../events/store.ts';
import type {
  BakeStateDeps,
  JobSlots,
  PipelineLog,
  WaitingPhases,
} from '../pipeline/deps.ts';
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
  /**
   * Where a cancel finds and deletes the images its bakes half made (the
   * pipeline's bake deps); without it, they are left, tagged with the build.
   */
  readonly bake?: Pick<BakeStateDeps, 'registry' | 'store'>;
  /** Default: a new ULID. */
  readonly newBuildId?: () => string;
  /** Default: the system clock. */
  readonly now?: () => Date;
}
