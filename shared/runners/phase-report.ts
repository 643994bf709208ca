import type { PhaseName } from '../config/plan.ts';
import type { BuildMessage, PhaseResult, PushedArtifact } from '../ports/runner-fleet.ts';

/**
 * What a phase script reports about itself: the part of a PhaseResult the
 * runner knows. It is written to a file on the runner and printed between
 * marker lines at the end of the phase's output.
 */
export type RunnerReport = Pick<
  PhaseResult,
  'outcome' | 'exitCode' | 'skipFinalizers' | 'variables' | 'messages' | 'artifacts'
>;

/** The line printed before the report. */
export const reportBeginMarker = '##[bakehouse-phase-result-begin-7f3c9a]';
/** The line printed after the report. */
export const reportEndMarker = '##[bakehouse-phase-result-end-7f3c9a]';

/** The folder a job keeps its state, tools and reports in, under the runner's state root. */
export function jobStateFolder(
  stateRoot: string,
  buildId: string,
  jobId: string,
): string {
  return `${stateRoot}/${buildId}/${jobId}`;
}

/** The file a phase's report is written to. */
export function reportFile(
  stateRoot: string,
  buildId: string,
  jobId: string,
  phase: PhaseName,
) {
  return `${jobStateFolder(stateRoot, buildId, jobId)}/${phase}.result.json`;
}

/** Error raised when a report is missing or malformed. */
export class PhaseReportError extends Error {
  override name = 'PhaseReportError';
}

/**
 * Reads the report printed at the end of a phase's output (the last one, so
 * a script cannot forge an earlier one); undefined when there is none.
 */
export function extractReport(output: string): RunnerReport | undefined {
  const end = output.lastIndexOf(reportEndMarker);
  if (end < 0) return undefined;
  const begin = output.lastIndexOf(reportBeginMarker, end);
  if (begin < 0) return undefined;

  return parseReport(output.slice(begin + reportBeginMarker.length, end));
}

/** Parses and checks a report's JSON. */
export function parseReport(json: string): RunnerReport {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new PhaseReportError(`Phase report is not JSON: ${(error as Error).message}`);
  }
  const report = value as Partial<RunnerReport> | null;
  const outcomes = ['succeeded', 'failed', 'exited-green'];
  if (
    typeof report !== 'object' ||
    report === null ||
    !outcomes.includes(String(report.outcome)) ||
    typeof report.exitCode !== 'number' ||
    typeof report.variables !== 'object' ||
    !Array.isArray(report.messages) ||
    !(report.artifacts === undefined || Array.isArray(report.artifacts))
  ) {
    throw new PhaseReportError(
      `Phase report has an unexpected shape: ${json.slice(0, 200)}`,
    );
  }

  return {
    outcome: report.outcome as RunnerReport['outcome'],
    exitCode: report.exitCode,
    skipFinalizers: report.skipFinalizers === true,
    variables: report.variables as Record<string, string>,
    messages: report.messages as BuildMessage[],
    ...(report.artifacts && report.artifacts.length > 0
      ? { artifacts: report.artifacts as PushedArtifact[] }
      : {}),
  };
}

/** What a reader is shown of a piece of a phase's output. */
export interface ShownOutput {
  /** The piece without the report blocks in it. */
  readonly text: string;
  /** How many characters of the piece were read; the rest waits for more output. */
  readonly used: number;
}

/**
 * A piece of a phase's output without its report blocks (the begin marker,
 * the report, the end marker and its newline), which are for Bakehouse, not
 * for people. Unless the piece is the output's end (`last`: the phase has
 * ended and nothing follows), a block not yet whole, or last characters
 * that may start a marker, wait for the rest, so that a reader following
 * the log never sees half of one; at the end, they are shown as they are.
 */
export function outputWithoutReport(piece: string, last: boolean): ShownOutput {
  let text = '';
  let at = 0;
  for (;;) {
    const begin = piece.indexOf(reportBeginMarker, at);
    if (begin < 0) break;
    const end = piece.indexOf(reportEndMarker, begin);
    const close = end < 0 ? -1 : end + reportEndMarker.length;
    // Whole once the character after the end marker (its newline) is there.
    if (close < 0 || (close === piece.length && !last)) {
      if (last) break;
      return { text: text + piece.slice(at, begin), used: begin };
    }
    text += piece.slice(at, begin);
    at = piece[close] === '\n' ? close + 1 : close;
  }
  const rest = piece.slice(at);
  const held = last ? 0 : markerStartAtEnd(rest);

  return { text: text + rest.slice(0, rest.length - held), used: piece.length - held };
}

/** How many last characters of `text` are the start of the begin marker. */
function markerStartAtEnd(text: string): number {
  for (let size = Math.min(text.length, reportBeginMarker.length - 1); size > 0; size--) {
    if (text.endsWith(reportBeginMarker.slice(0, size))) return size;
  }

  return 0;
}
