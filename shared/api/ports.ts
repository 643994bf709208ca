/**
 * The ports the read API reads through besides the views: the history of a
 * build's execution and the logs of its phases. Each has a local adapter
 * (the in-process orchestrator, log files) and an AWS one (Step Functions'
 * GetExecutionHistory, CloudWatch Logs).
 */
import type { PhaseName } from '../config/plan.ts';

/** What happened in an execution, in the words of the Step Functions console. */
export type ExecutionEventKind =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut'
  | 'StateEntered'
  | 'StateExited'
  | 'StateFailed'
  | 'StateRetried'
  | 'StateCaught'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed';

/** One event of an execution's history. */
export interface ExecutionHistoryEvent {
  readonly kind: ExecutionEventKind;
  /** ISO 8601 time of the event. */
  readonly at: string;
  /** The state's name, for state events; the Map state's, for iterations. */
  readonly state?: string;
  /** The state's type (Task, Choice, Map...), when known. */
  readonly stateType?: string;
  /** The Map iteration the event belongs to (one per job), when inside one. */
  readonly iteration?: number;
  readonly error?: string;
  readonly cause?: string;
}

/** A build's execution: how it stands and what happened so far, oldest first. */
export interface ExecutionHistoryAnswer {
  readonly status: 'running' | 'succeeded' | 'failed' | 'aborted' | 'timedOut';
  readonly events: readonly ExecutionHistoryEvent[];
}

/** The history of the execution named after a build id. */
export interface ExecutionHistory {
  /** The execution's history, or undefined when no execution of that name is known. */
  historyOf(buildId: string): Promise<ExecutionHistoryAnswer | undefined>;
}

/** Which part of which phase log to read. */
export interface PhaseLogRequest {
  readonly buildId: string;
  readonly jobId: string;
  readonly phase: PhaseName;
  /** The pointer PhaseFinished recorded; absent while the phase runs. */
  readonly logPointer?: string;
  /** Bytes of the log already read. */
  readonly offset: number;
  /** The most bytes to return. */
  readonly limit: number;
}

/** A piece of a phase log. */
export interface PhaseLogChunk {
  /** Whole UTF-8 characters only: a character cut by the limit waits for the next read. */
  readonly text: string;
  /** The offset to read from next; equal to the request's when nothing new was there. */
  readonly nextOffset: number;
}

/**
 * The logs of phases, read by byte offset so a reader can follow a running
 * phase. Secure values are masked before a log is stored, so none come out.
 */
export interface PhaseLogs {
  /** A piece of the log; an empty one when the phase has written nothing yet. */
  read(request: PhaseLogRequest): Promise<PhaseLogChunk>;
}
