import './polyfill.ts';
import { ExecutionAbortedError, StateMachine } from 'aws-local-stepfunctions';
import { synthesizeDefinition } from '../infra/definition.ts';
import {
  callbackStateNames,
  type PipelineDeps,
  pipelineTasks,
  recordBuildError,
} from '../shared/pipeline/index.ts';
import type { StoppableOrchestrator } from '../shared/ports/orchestrator.ts';
import type { LocalTaskCallbacks } from './task-callbacks.ts';

/** One event of an execution's log, as aws-local-stepfunctions reports it. */
export type ExecutionEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E>
    ? E
    : never;

/** The one task token the library hands every waiting state; replaced by local tokens. */
const staticToken = 'local-static-token';

/**
 * What every Wait state lasts locally, in ms: short, but not nothing, so that
 * a job polling for a slot (WaitForJobSlot) pauses between asks instead of
 * spinning on DynamoDB Local.
 */
export const localWaitMs = 100;

/** A task function bound to a Task state by name: the state's input and the deps. */
export type LocalTask<D> = (input: unknown, deps: D) => Promise<unknown>;

/** What the local orchestrator runs, and with what. */
export interface LocalOrchestratorOptions<D> {
  /** The runnable ASL (the synthesized definition, intrinsics resolved). */
  readonly definition: Record<string, unknown>;
  /** Every Task state's function, by state name. */
  readonly tasks: Readonly<Record<string, LocalTask<D>>>;
  /** The Task states that wait for a task token (`.waitForTaskToken`). */
  readonly callbackStates: readonly string[];
  readonly deps: D;
  /** The callbacks the deps end waiting states with. */
  readonly callbacks: LocalTaskCallbacks;
  /**
   * Runs when an execution fails, as the rule on failed executions does on
   * AWS; the execution counts as running until it is done. Default none.
   */
  readonly onFailed?: (buildId: string, error: string, cause: string) => Promise<void>;
}

/** How an execution ended. */
export type ExecutionStatus =
  | { readonly status: 'running' }
  | { readonly status: 'succeeded'; readonly output: unknown }
  | { readonly status: 'failed'; readonly error: string; readonly cause: string }
  | { readonly status: 'aborted'; readonly cause: string };

interface Execution {
  readonly events: ExecutionEvent[];
  status: ExecutionStatus;
  readonly done: Promise<void>;
  readonly abort: () => void;
  /** Task functions of this execution still running. */
  readonly tasks: Set<Promise<unknown>>;
  stopCause?: string;
}

/** Error raised when the definition has a Task state no local task is bound to. */
export class UnboundTaskStateError extends Error {
  override readonly name = 'UnboundTaskStateError';
}

/**
 * The orchestrator port run in-process: the state machine definition run by
 * aws-local-stepfunctions, every Task state bound by name to its task, every
 * Wait shortened to {@link localWaitMs} and every retry interval to nothing.
 * The library has one static task token, so a waiting state's callback is
 * matched by its local token `<buildId>/<jobId>/<phase>`, derived from the
 * state's input.
 */
export class LocalOrchestrator<D> implements StoppableOrchestrator {
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, Execution>();
  private readonly handlers: Record<string, (input: unknown) => Promise<unknown>>;
  private readonly waits: Record<string, number> = {};
  private readonly retries: Record<string, number> = {};
  private started = 0;

  constructor(private readonly options: LocalOrchestratorOptions<D>) {
    this.machine = new StateMachine(withoutRootResultPaths(options.definition) as never);
    this.handlers = {};
    for (const [name, state] of statesOf(options.definition)) {
      if (state.Type === 'Wait') this.waits[name] = localWaitMs;
      if (Array.isArray(state.Retry)) this.retries[name] = 0;
      if (state.Type === 'Task') this.handlers[name] = this.bind(name);
    }
  }

  async startBuild(
    buildId: string,
    input: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    if (this.executions.has(buildId)) return;
    this.started += 1;
    const run = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.handlers as never,
        waitTimeOverrides: this.waits,
        retryIntervalOverrides: this.retries,
      },
      context: { Execution: { Name: buildId }, Task: { Token: staticToken } } as never,
    });
    const events: ExecutionEvent[] = [];
    const execution: Execution = {
      events,
      status: { status: 'running' },
      done: Promise.all([collect(run.eventLogs, events), settle(run.result)]).then(
        async ([, status]) => {
          if (status.status === 'failed') {
            await this.options.onFailed?.(buildId, status.error, status.cause);
          }
          execution.status =
            status.status === 'aborted'
              ? { status: 'aborted', cause: execution.stopCause ?? '' }
              : status;
        },
      ),
      abort: run.abort,
      tasks: new Set(),
    };
    this.executions.set(buildId, execution);
  }

  /**
   * Aborts a running execution, then waits for the task functions it had
   * started: the library stops at once, but a task already called runs on,
   * and a runner it launches must be known before the caller terminates runners.
   */
  async stopBuild(buildId: string, cause: string): Promise<void> {
    const execution = this.executions.get(buildId);
    if (execution?.status.status !== 'running') return;
    execution.stopCause = cause;
    execution.abort();
    await execution.done;
    while (execution.tasks.size > 0) await Promise.allSettled([...execution.tasks]);
  }

  /** How many executions were started (a repeated build id starts none). */
  startedCount(): number {
    return this.started;
  }

  /** Resolves when every execution started so far (and any they led to) has ended. */
  async idle(): Promise<void> {
    let pending = [...this.executions.values()].filter(
      (e) => e.status.status === 'running',
    );
    while (pending.length > 0) {
      await Promise.all(pending.map((e) => e.done));
      pending = [...this.executions.values()].filter(
        (e) => e.status.status === 'running',
      );
    }
  }

  /** The event log of a build's execution so far (for `bakehouse show --states`). */
  eventLog(buildId: string): readonly ExecutionEvent[] {
    return this.executions.get(buildId)?.events ?? [];
  }

  /** How a build's execution stands; undefined when none was started. */
  status(buildId: string): ExecutionStatus | undefined {
    return this.executions.get(buildId)?.status;
  }

  private bind(state: string): (input: unknown) => Promise<unknown> {
    const task = this.options.tasks[state];
    if (!task) {
      throw new UnboundTaskStateError(
        `Task state ${state} of the definition has no local task.`,
      );
    }
    const { deps, callbacks } = this.options;
    if (!this.options.callbackStates.includes(state)) {
      return (input) => this.track(input, task(input, deps));
    }

    return async (input) => {
      const { token, withToken } = localToken(state, input);
      const settled = callbacks.expect(token);
      try {
        await this.track(input, task(withToken, deps));
      } catch (error) {
        callbacks.forget(token);
        throw error;
      }

      return settled;
    };
  }

  /** Counts a task's call against the execution of the build its input names. */
  private track<T>(input: unknown, call: Promise<T>): Promise<T> {
    const wrapped = input as { Payload?: { buildId?: unknown }; buildId?: unknown };
    const buildId = wrapped?.Payload?.buildId ?? wrapped?.buildId;
    const tasks = this.executions.get(String(buildId))?.tasks;
    if (!tasks) return call;
    tasks.add(call);

    return call.finally(() => tasks.delete(call));
  }
}

type AslState = { Type?: string; Retry?: unknown; [key: string]: unknown };

/** Every state of a definition, inside Map and Parallel states too. */
function statesOf(definition: Record<string, unknown>): [string, AslState][] {
  const states = Object.entries((definition.States ?? {}) as Record<string, AslState>);

  return states.flatMap(([name, state]) => {
    const inner = [
      state.ItemProcessor,
      state.Iterator,
      ...((state.Branches as []) ?? []),
    ];
    const nested = inner.flatMap((machine) =>
      machine && typeof machine === 'object'
        ? statesOf(machine as Record<string, unknown>)
        : [],
    );

    return [[name, state] as [string, AslState], ...nested];
  });
}

/**
 * The definition with every `ResultPath: "$"` removed. Absent, it means the
 * same (the result replaces the input), but aws-local-stepfunctions 3.0.0
 * mistakes an explicit `$` for a field named `$`.
 */
function withoutRootResultPaths(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRootResultPaths);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(
    ([k, v]) => !(k === 'ResultPath' && v === '$'),
  );

  return Object.fromEntries(entries.map(([k, v]) => [k, withoutRootResultPaths(v)]));
}

/**
 * The local token of a waiting state, from the ids in its input (the bare
 * payload or the Lambda integration's `{FunctionName, Payload}`), and the
 * input with that token in place of the library's static one.
 */
function localToken(
  state: string,
  input: unknown,
): { token: string; withToken: unknown } {
  const wrapped = input as { Payload?: Record<string, unknown> };
  const payload = (wrapped?.Payload ?? input) as Record<string, unknown>;
  const { buildId, jobId, phase } = payload ?? {};
  if (
    typeof buildId !== 'string' ||
    typeof jobId !== 'string' ||
    typeof phase !== 'string'
  ) {
    throw new UnboundTaskStateError(
      `State ${state} waits for a token but its input has no ids.`,
    );
  }
  const token = `${buildId}/${jobId}/${phase}`;
  const withPayload = { ...payload, taskToken: token };

  return {
    token,
    withToken: wrapped?.Payload ? { ...wrapped, Payload: withPayload } : withPayload,
  };
}

async function collect(
  logs: AsyncGenerator<ExecutionEvent>,
  into: ExecutionEvent[],
): Promise<void> {
  for await (const event of logs) into.push(event);
}

async function settle(result: Promise<unknown>): Promise<ExecutionStatus> {
  try {
    return { status: 'succeeded', output: await result };
  } catch (error) {
    if (error instanceof ExecutionAbortedError) return { status: 'aborted', cause: '' };
    const cause = (error as { cause?: { name?: string; message?: string } }).cause;

    return {
      status: 'failed',
      error: cause?.name ?? (error as Error).name,
      cause: cause?.message ?? (error as Error).message,
    };
  }
}

/** The pipeline's deps, with the local callbacks that end its waiting states. */
export type LocalPipelineDeps = PipelineDeps & { readonly callbacks: LocalTaskCallbacks };

/**
 * The build pipeline run locally: the definition synthesized from infra/
 * (bundling skipped), its tasks bound to `pipelineTasks` with local deps.
 */
export function localPipelineOrchestrator(
  deps: LocalPipelineDeps,
  definition: Record<string, unknown> = synthesizeDefinition(),
): LocalOrchestrator<LocalPipelineDeps> {
  return new LocalOrchestrator({
    definition,
    tasks: pipelineTasks,
    callbackStates: callbackStateNames,
    deps,
    callbacks: deps.callbacks,
    onFailed: endFailedBuild(deps),
  });
}

/**
 * Ends the build of a failed execution as `error` with its cause, unless it
 * ended (RecordBuildError). A failure to record it is logged: the build is
 * then left running, as the log line says.
 */
export function endFailedBuild(
  deps: PipelineDeps,
): (buildId: string, error: string, cause: string) => Promise<void> {
  return async (buildId, error, cause) => {
    const finishFailure = { Error: error, Cause: cause };
    try {
      await recordBuildError({ buildId, finishFailure }, deps);
    } catch (failure) {
      deps.log.warn('failed build not ended', { buildId, error: String(failure) });
    }
  };
}
