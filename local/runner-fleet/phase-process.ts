import { spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { PhaseCommand, PhaseResult } from '../../shared/ports/runner-fleet.ts';
import {
  extractReport,
  parseReport,
  type RunnerReport,
  reportFile,
} from '../../shared/runners/phase-report.ts';
import type { RunnerLayout } from './layout.ts';

/** A phase running as one bash process (the leader of its own process group). */
export interface RunningPhase {
  readonly processGroup: number;
  /** Resolves when the process ends, with the phase's result. */
  readonly finished: Promise<PhaseResult>;
  /** Stops the phase (its runner is terminated, for `reason`); its result says runner-lost. */
  kill(reason: string): void;
}

/** The exit code reported for a phase past its timeout, as timeout(1) reports it. */
export const timedOutExitCode = 124;

/** How long a phase sent SIGTERM has to end before its process group is killed. */
export const stopGraceMs = 5_000;

/**
 * Runs a phase's generated script with bash: HOME is the runner's home, the
 * environment is the runner's own (none of Bakehouse's), the clone folder
 * must lie in the runner's folder, the output goes to the log file. A phase
 * past its timeout, or stopped, is sent SIGTERM, so that the script's filter
 * writes out what the phase printed, and its process group is killed when it
 * ends or `stopGraceMs` later; the log then ends with a line saying why.
 */
export function startPhaseProcess(
  layout: RunnerLayout,
  command: PhaseCommand,
  logFile: string,
  path: string,
): RunningPhase {
  mkdirSync(layout.scripts, { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  const script = join(layout.scripts, `${command.phase}.sh`);
  writeFileSync(script, command.script, { mode: 0o600 });
  const log = openSync(logFile, 'w');
  // The runner's folder, not its home: a build may have removed the home,
  // which the script then reports as the phase's failure.
  const child = spawn('bash', [script], {
    cwd: layout.folder,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      HOME: layout.home,
      USER: userInfo().username,
      LANG: process.env.LANG ?? 'C.UTF-8',
      TERM: 'dumb',
      PATH: `${join(layout.tools, 'bin')}:${path}`,
      BAKEHOUSE_STATE_DIR: layout.state,
      BAKEHOUSE_RUNNER_FOLDER: layout.folder,
    },
  });
  closeSync(log);
  const started = Date.now();
  const processGroup = child.pid ?? 0;
  let ending: 'timed-out' | 'runner-lost' | undefined;
  let stopReason: string | undefined;
  let force: NodeJS.Timeout | undefined;
  const killGroup = () => killProcessGroup(processGroup);
  const stop = () => {
    killProcessGroup(processGroup, 'SIGTERM');
    force ??= setTimeout(killGroup, stopGraceMs);
  };
  const timer = setTimeout(() => {
    ending = 'timed-out';
    stop();
  }, command.timeoutSeconds * 1000);

  const finished = new Promise<PhaseResult>((resolve) => {
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      clearTimeout(force);
      const base = {
        buildId: command.buildId,
        jobId: command.jobId,
        phase: command.phase,
        callbackToken: command.callbackToken,
        durationMs: Date.now() - started,
        logPointer: logFile,
      };
      const report =
        ending ?? (signal ? 'runner-lost' : readReport(layout, command, logFile));
      if (typeof report !== 'string') {
        resolve({ ...base, ...report });
        return;
      }
      killGroup();
      const note =
        report === 'timed-out'
          ? `killed after its timeout of ${command.timeoutSeconds} s`
          : stopReason !== undefined
            ? `stopped: its runner was terminated (${stopReason})`
            : `lost: its process ended by ${signal ?? 'an unknown cause'} (exit code ${code})`;
      const start = endsWithNewline(logFile) ? '' : '\n';
      appendFileSync(logFile, `${start}Bakehouse: phase ${command.phase} ${note}.\n`);
      const exitCode = report === 'timed-out' ? timedOutExitCode : (code ?? 137);
      resolve({ ...base, outcome: report, exitCode, variables: {}, messages: [] });
    };
    child.once('exit', end);
    child.once('error', () => end(null, null));
  });

  return {
    processGroup,
    finished,
    kill: (reason) => {
      ending ??= 'runner-lost';
      stopReason ??= reason;
      stop();
    },
  };
}

/** Sends a signal (default SIGKILL) to a process group; one already gone is not an error. */
export function killProcessGroup(
  processGroup: number,
  signal: NodeJS.Signals = 'SIGKILL',
): void {
  if (processGroup <= 0) return;
  try {
    process.kill(-processGroup, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Whether a file is empty or ends with a newline, so that a line appended starts its own. */
function endsWithNewline(file: string): boolean {
  const last = Buffer.alloc(1);
  const handle = openSync(file, 'r');
  try {
    const size = fstatSync(handle).size;

    return size === 0 || (readSync(handle, last, 0, 1, size - 1) === 1 && last[0] === 10);
  } finally {
    closeSync(handle);
  }
}

/**
 * The phase's report file or, when the phase removed its job's state (the
 * last phase before a bake), the report its output ends with.
 */
function readReport(
  layout: RunnerLayout,
  command: PhaseCommand,
  logFile: string,
): RunnerReport | 'runner-lost' {
  const file = reportFile(layout.state, command.buildId, command.jobId, command.phase);
  try {
    if (existsSync(file)) return parseReport(readFileSync(file, 'utf8'));

    return extractReport(readFileSync(logFile, 'utf8')) ?? 'runner-lost';
  } catch {
    return 'runner-lost';
  }
}
