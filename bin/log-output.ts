/** What `bakehouse logs` prints: text for people, or JSON lines for scripts (--json). */
import type { BuildView, JobView, PhaseView } from '../shared/views/build-view.ts';
import { cell, duration } from './format.ts';
import { terminalSafe } from './terminal-text.ts';

/** How `bakehouse logs` writes the phases it reads and the build it follows. */
export interface LogOutput {
  /** A phase seen for the first time. */
  phaseSeen(job: JobView, phase: PhaseView): void;
  /** A piece of a phase's log, as it is read. */
  phaseText(text: string): void;
  /**
   * A look at a phase's log has read it to its current end, the phase as
   * the view showed it before the look: once that says it ended, the log was whole.
   */
  phaseLooked(build: BuildView, job: JobView, phase: PhaseView): void;
  /** A status of the build being followed; said again only when it changes. */
  buildStatus(build: BuildView): void;
}

/**
 * Text for people: a header when a phase appears, its output as it comes
 * (on a terminal, with control characters made visible), a footer when it
 * ends; `Build <id>: <status>` lines, and a last line with how the build
 * ended.
 */
export class TextLogOutput implements LogOutput {
  #open = false;
  #status = '';

  phaseSeen(job: JobView, phase: PhaseView): void {
    this.#line(`==> job ${job.jobId} (${job.name}) ${phase.phase}`);
  }

  phaseText(text: string): void {
    if (text === '') return;
    // On a terminal, what a build printed cannot drive it; a pipe gets it as printed.
    process.stdout.write(process.stdout.isTTY ? terminalSafe(text) : text);
    this.#open = !text.endsWith('\n');
  }

  phaseLooked(_build: BuildView, _job: JobView, phase: PhaseView): void {
    if (phase.status === 'running') return;
    const exit = cell(phase.exitCode);
    this.#line(
      `<== ${phase.phase}: ${phase.status}, exit ${exit}, ${duration(phase.durationMs)}`,
    );
  }

  buildStatus(build: BuildView): void {
    if (build.status === this.#status) return;
    this.#status = build.status;
    // A finished build's status is said by the last line alone.
    if (finishedStatuses.has(build.status)) {
      this.#line(
        `Build ${build.buildId} ${build.status} in ${duration(build.durationMs)}`,
      );
    } else {
      this.#line(`Build ${build.buildId}: ${build.status}`);
    }
  }

  /** Writes a line of its own, ending the output of a phase left without a newline. */
  #line(line: string): void {
    process.stdout.write(`${this.#open ? '\n' : ''}${line}\n`);
    this.#open = false;
  }
}

/** A phase line of `logs --json`. */
export interface PhaseLogLine {
  readonly build: string;
  readonly job: string;
  readonly phase: string;
  readonly status: PhaseView['status'];
  readonly exitCode: number | null;
  readonly durationMs: number | null;
  readonly text: string;
}

/**
 * JSON lines for scripts. Without --follow, one line per phase, its whole
 * text so far; with it, a line each time a phase has new text, the last one
 * with the phase's final status, and `{build, status, durationMs}` lines
 * when the build's status changes, the last when it finishes.
 */
export class JsonLogOutput implements LogOutput {
  #status = '';
  #text = '';

  /** `following`: lines as pieces arrive, else one line per phase. */
  constructor(private readonly following: boolean) {}

  phaseSeen(): void {}

  phaseText(text: string): void {
    this.#text += text;
  }

  phaseLooked(build: BuildView, job: JobView, phase: PhaseView): void {
    const text = this.#text;
    this.#text = '';
    if (this.following && text === '' && phase.status === 'running') return;
    const line: PhaseLogLine = {
      build: build.buildId,
      job: job.jobId,
      phase: phase.phase,
      status: phase.status,
      exitCode: phase.exitCode ?? null,
      durationMs: phase.durationMs ?? null,
      text,
    };
    write(line);
  }

  buildStatus(build: BuildView): void {
    if (build.status === this.#status) return;
    this.#status = build.status;
    write({
      build: build.buildId,
      status: build.status,
      durationMs: build.durationMs ?? null,
    });
  }
}

/** Build statuses after which nothing more is written. */
export const finishedStatuses = new Set([
  'success',
  'failed',
  'error',
  'cancelled',
  'interrupted',
  'skipped',
]);

function write(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
