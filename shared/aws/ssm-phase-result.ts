import {
  type CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { WaitingPhase, WaitingPhases } from '../pipeline/deps.ts';
import type { PhaseResult } from '../ports/runner-fleet.ts';
import {
  extractReport,
  type RunnerReport,
  reportBeginMarker,
} from '../runners/phase-report.ts';

/** The detail of EventBridge's "EC2 Command Invocation Status-change Notification". */
export interface CommandInvocationDetail {
  readonly 'command-id': string;
  readonly 'document-name': string;
  readonly 'instance-id': string;
  readonly 'requested-date-time': string;
  readonly status: string;
}

/** The log stream SSM writes a command's standard output to. */
export function outputStream(detail: CommandInvocationDetail): string {
  const plugin =
    detail['document-name'] === 'AWS-RunPowerShellScript'
      ? 'aws-runPowerShellScript'
      : 'aws-runShellScript';

  return `${detail['command-id']}/${detail['instance-id']}/${plugin}/stdout`;
}

/** Raised while the runner's waiting phase does not yet know its command's id. */
export class CommandNotRecordedError extends Error {
  override readonly name = 'CommandNotRecordedError';
}

/** How long to wait for the command id RunPhase records after SendCommand answers. */
export interface CommandMatchOptions {
  /** Looks at the waiting phase. Default 5. */
  readonly attempts?: number;
  /** Pause between looks, in ms. Default 1,000. */
  readonly pauseMs?: number;
}

/**
 * The waiting phase a finished command ends: the runner's, when the command
 * is the one RunPhase sent for it. Any other command on the runner (sent by
 * an operator, or by an SSM association) ends nothing, and undefined is the
 * answer. Throws CommandNotRecordedError when the runner waits but its
 * command id is still unknown after the looks, so the event is retried.
 */
export async function waitingPhaseOf(
  detail: CommandInvocationDetail,
  waiting: Pick<WaitingPhases, 'get'>,
  options: CommandMatchOptions = {},
): Promise<WaitingPhase | undefined> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const phase = await waiting.get(detail['instance-id']);
    if (!phase) return undefined;
    if (phase.commandId !== undefined) {
      return phase.commandId === detail['command-id'] ? phase : undefined;
    }
    if (attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 1_000));
    }
  }
  throw new CommandNotRecordedError(
    `Runner ${detail['instance-id']} waits on a phase whose command id is not yet ` +
      `recorded; command ${detail['command-id']} cannot be matched to it yet`,
  );
}

/** How the reader pages and waits for output that is still arriving. */
export interface PhaseOutputOptions {
  readonly logs: CloudWatchLogsClient;
  readonly logGroupName: string;
  /** Looks for the report before giving up. Default 5. */
  readonly attempts?: number;
  /** Pause between looks, in ms. Default 2,000. */
  readonly pauseMs?: number;
}

/**
 * Reads the report a phase script printed at the end of its output, from
 * CloudWatch Logs (SSM's inline output stops at 24,000 characters), paging
 * backwards from the end; undefined when the output never shows it.
 */
export async function readPhaseReport(
  detail: CommandInvocationDetail,
  options: PhaseOutputOptions,
): Promise<RunnerReport | undefined> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const tail = await readTail(detail, options);
    const report = tail === undefined ? undefined : extractReport(tail);
    if (report) return report;
    if (attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 2_000));
    }
  }

  return undefined;
}

async function readTail(
  detail: CommandInvocationDetail,
  options: PhaseOutputOptions,
): Promise<string | undefined> {
  let text = '';
  let token: string | undefined;
  try {
    for (;;) {
      const page = await options.logs.send(
        new GetLogEventsCommand({
          logGroupName: options.logGroupName,
          logStreamName: outputStream(detail),
          startFromHead: false,
          ...(token && { nextToken: token }),
        }),
      );
      text = `${(page.events ?? []).map((e) => e.message ?? '').join('\n')}\n${text}`;
      if (text.includes(reportBeginMarker) || page.nextBackwardToken === token)
        return text;
      token = page.nextBackwardToken;
    }
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

const statusOutcome: Record<string, PhaseResult['outcome']> = {
  Success: 'succeeded',
  Failed: 'failed',
  TimedOut: 'timed-out',
  Cancelled: 'failed',
};

/**
 * The phase result of a finished command: the script's own report when its
 * output has one. Without it, the variables and messages the phase set are
 * unknown (APPVEYOR_BAKE_IMAGE among them: a bake would silently not
 * happen), so a command SSM calls a success fails the phase, saying why; any
 * other status keeps its own outcome (failed, timed out).
 */
export function phaseResultOf(
  detail: CommandInvocationDetail,
  waiting: WaitingPhase,
  report: RunnerReport | undefined,
  finishedAt: Date,
  logGroupName: string,
): PhaseResult {
  const base = {
    buildId: waiting.buildId,
    jobId: waiting.jobId,
    phase: waiting.phase,
    callbackToken: waiting.callbackToken,
    durationMs: Math.max(0, finishedAt.getTime() - Date.parse(waiting.startedAt)),
    logPointer: `${logGroupName}:${outputStream(detail)}`,
  };
  if (report) return { ...base, ...report };

  const status = statusOutcome[detail.status] ?? 'failed';
  const outcome = status === 'succeeded' ? 'failed' : status;
  const message =
    `Phase ${waiting.phase} of job ${waiting.jobId} in build ${waiting.buildId} ` +
    `ended with SSM status ${detail.status}, but its report was not found in ` +
    `${base.logPointer}: the variables and messages it set are unknown, so the ` +
    'phase fails rather than go on without them';

  return {
    ...base,
    outcome,
    exitCode: 1,
    variables: {},
    messages: [{ message, category: 'Error' }],
  };
}
