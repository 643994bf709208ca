import type {
  ExecutionEventKind,
  ExecutionHistory,
  ExecutionHistoryAnswer,
  ExecutionHistoryEvent,
} from '../shared/api/ports.ts';
import type { ExecutionEvent, LocalOrchestrator } from './orchestrator.ts';

const kinds: Readonly<Record<string, ExecutionEventKind>> = {
  ExecutionStarted: 'ExecutionStarted',
  ExecutionSucceeded: 'ExecutionSucceeded',
  ExecutionFailed: 'ExecutionFailed',
  ExecutionAborted: 'ExecutionAborted',
  ExecutionTimeout: 'ExecutionTimedOut',
  StateEntered: 'StateEntered',
  StateExited: 'StateExited',
  StateFailed: 'StateFailed',
  StateRetried: 'StateRetried',
  StateCaught: 'StateCaught',
  MapIterationStarted: 'MapIterationStarted',
  MapIterationSucceeded: 'MapIterationSucceeded',
  MapIterationFailed: 'MapIterationFailed',
};

/**
 * The execution history port over the local orchestrator's event logs. The
 * logs live in memory: a build run before the backend last started has no
 * history here, and the read API answers 404 for it.
 */
export class LocalExecutionHistory implements ExecutionHistory {
  readonly #orchestrator: Pick<LocalOrchestrator<unknown>, 'eventLog' | 'status'>;

  constructor(orchestrator: Pick<LocalOrchestrator<unknown>, 'eventLog' | 'status'>) {
    this.#orchestrator = orchestrator;
  }

  /** The execution's events as the Step Functions console names them. */
  async historyOf(buildId: string): Promise<ExecutionHistoryAnswer | undefined> {
    const status = this.#orchestrator.status(buildId);
    if (!status) return undefined;
    const events = this.#orchestrator.eventLog(buildId).flatMap(historyEvent);

    return { status: status.status, events };
  }
}

function historyEvent(event: ExecutionEvent): ExecutionHistoryEvent[] {
  const kind = kinds[event.type];
  if (!kind) return [];
  const state = 'state' in event ? event.state : undefined;
  const parent = 'parentState' in event ? event.parentState : undefined;
  const named = state ?? parent;
  const index = 'index' in event ? event.index : undefined;

  return [
    {
      kind,
      at: new Date(event.timestamp).toISOString(),
      ...(named && { state: named.name, stateType: named.type }),
      ...(index !== undefined && { iteration: index }),
      ...('Error' in event && { error: event.Error }),
      ...('Cause' in event && { cause: causeText(event.Cause) }),
    },
  ];
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;

  return cause instanceof Error ? cause.message : JSON.stringify(cause);
}
