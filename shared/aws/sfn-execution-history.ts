/**
 * The execution history port on Step Functions: GetExecutionHistory of the
 * execution named after the build id, paged, in the words the read API uses
 * (the local adapter's words, which follow the Step Functions console).
 */
import {
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type {
  ExecutionEventKind,
  ExecutionHistory,
  ExecutionHistoryAnswer,
  ExecutionHistoryEvent,
} from '../api/ports.ts';
import { executionArnOf } from './step-functions-orchestrator.ts';

/**
 * The most history pages read for one answer (1,000 events each): a build of
 * 40 jobs of 15 phases stays far below; a longer history is cut there.
 */
export const maxHistoryPages = 20;

const endings: Readonly<Record<string, ExecutionHistoryAnswer['status']>> = {
  ExecutionSucceeded: 'succeeded',
  ExecutionFailed: 'failed',
  ExecutionAborted: 'aborted',
  ExecutionTimedOut: 'timedOut',
};

/** The history of a build's execution on a Step Functions state machine. */
export class SfnExecutionHistory implements ExecutionHistory {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    this.#client = client;
    this.#stateMachineArn = stateMachineArn;
  }

  /** The execution's events, oldest first; undefined when no execution has the name. */
  async historyOf(buildId: string): Promise<ExecutionHistoryAnswer | undefined> {
    const executionArn = executionArnOf(this.#stateMachineArn, buildId);
    const raw: HistoryEvent[] = [];
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < maxHistoryPages; page++) {
        const answer: GetExecutionHistoryCommandOutput = await this.#client.send(
          new GetExecutionHistoryCommand({
            executionArn,
            maxResults: 1000,
            includeExecutionData: false,
            ...(nextToken && { nextToken }),
          }),
        );
        raw.push(...(answer.events ?? []));
        nextToken = answer.nextToken;
        if (!nextToken) break;
      }
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
    const events = historyEvents(raw);
    const last = raw.findLast((e) => endings[e.type ?? ''] !== undefined);

    return { status: endings[last?.type ?? ''] ?? 'running', events };
  }
}

/** The kind of a Step Functions history event type, when the read API shows it. */
function kindOf(type: string): ExecutionEventKind | undefined {
  if (type in endings || type === 'ExecutionStarted') return type as ExecutionEventKind;
  if (type.startsWith('MapIteration')) {
    const ending = type.slice('MapIteration'.length);
    if (['Started', 'Succeeded', 'Failed'].includes(ending)) {
      return type as ExecutionEventKind;
    }
  }
  if (type.endsWith('StateEntered')) return 'StateEntered';
  if (type.endsWith('StateExited')) return 'StateExited';
  if (/(TaskFailed|TimedOut|FunctionFailed)$/.test(type)) return 'StateFailed';

  return undefined;
}

/**
 * The events the read API shows. State names come from the Entered and
 * Exited details; a failure is told of the state last entered before it.
 */
function historyEvents(raw: readonly HistoryEvent[]): ExecutionHistoryEvent[] {
  let lastState: { name: string; type: string } | undefined;

  return raw.flatMap((event): ExecutionHistoryEvent[] => {
    const type = event.type ?? '';
    const kind = kindOf(type);
    const at = (event.timestamp ?? new Date(0)).toISOString();
    const stateType = type.replace(/State(Entered|Exited)$/, '');
    if (kind === 'StateEntered' && event.stateEnteredEventDetails?.name) {
      lastState = { name: event.stateEnteredEventDetails.name, type: stateType };
    }
    if (!kind) return [];
    const named =
      kind === 'StateEntered' || kind === 'StateExited'
        ? {
            name:
              event.stateEnteredEventDetails?.name ??
              event.stateExitedEventDetails?.name ??
              '',
            type: stateType,
          }
        : kind === 'StateFailed'
          ? lastState
          : undefined;
    const iteration =
      event.mapIterationStartedEventDetails ??
      event.mapIterationSucceededEventDetails ??
      event.mapIterationFailedEventDetails;
    const failure = failureOf(event);

    return [
      {
        kind,
        at,
        ...(named && { state: named.name, stateType: named.type }),
        ...(iteration?.name && { state: iteration.name }),
        ...(iteration?.index !== undefined && { iteration: iteration.index }),
        ...failure,
      },
    ];
  });
}

function failureOf(event: HistoryEvent): { error?: string; cause?: string } {
  const details =
    event.executionFailedEventDetails ??
    event.executionAbortedEventDetails ??
    event.executionTimedOutEventDetails ??
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails;
  if (!details) return {};

  return {
    ...(details.error && { error: details.error }),
    ...(details.cause && { cause: details.cause }),
  };
}
