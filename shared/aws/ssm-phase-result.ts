import {
  type CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { WaitingPhase } from '../pipeline/deps.ts';
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
 * output has one, otherwise what SSM's status says (with a message that the
 * report is missing).
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

  const outcome = statusOutcome[detail.status] ?? 'failed';
  const message =
    `The phase ended with SSM status ${detail.status} and printed no report; ` +
    'its output may have been cut short';

  return {
    ...base,
    outcome,
    exitCode: outcome === 'succeeded' ? 0 : 1,
    variables: {},
    messages: [{ message, category: outcome === 'succeeded' ? 'Warning' : 'Error' }],
  };
}
