/** `bakehouse logs <build> [--job J] [--phase P] [--follow] [--json]`: a build's phase output. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BuildView, JobView, PhaseView } from '../shared/views/build-view.ts';
import { buildAnswer, phaseLogAnswer } from './answers.ts';
import { ApiAnswerError, type BakehouseClient, runClientCommand } from './client.ts';
import type { Command } from './commands.ts';
import {
  finishedStatuses,
  JsonLogOutput,
  type LogOutput,
  TextLogOutput,
} from './log-output.ts';

const usage = `Usage: bakehouse logs <build id> [--job J] [--phase P] [--follow] [--json]
                      [--endpoint URL]

Prints the output of a build's phases, each under a header.
  --job J         only job J
  --phase P       only phase P (init, clone, install, build_script, ...)
  --follow        keep printing new output until the build finishes
  --interval MS   how often --follow asks the backend (default 1000)
  --json          JSON lines, for scripts: one per phase,
                  {"build","job","phase","status","exitCode","durationMs","text"}
                  (exitCode and durationMs null while the phase runs); with
                  --follow, one each time a phase has new text, the last with
                  its final status, and {"build","status","durationMs"} when
                  the build's status changes, the last when it finishes
Exit codes: 0 printed (with --follow: the build succeeded or was skipped),
1 no backend, no such build, or (with --follow) the build did not succeed,
2 wrong usage.`;

const options = {
  job: { type: 'string' },
  phase: { type: 'string' },
  follow: { type: 'boolean' },
  interval: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** How long --follow waits for a build the views do not show yet. */
const appearWithinMs = 15_000;

interface Selection {
  readonly job?: string;
  readonly phase?: string;
}

interface PhaseProgress {
  offset: number;
  done: boolean;
}

/** The `logs` command. */
export const logs: Command = {
  summary: "print a build's phase logs, or follow them",
  run: (argv) =>
    runClientCommand(
      'logs',
      usage,
      options,
      argv,
      async ({ values, positionals, client }) => {
        const buildId = positionals[0] ?? '';
        const selection = { job: values.job, phase: values.phase } as Selection;
        const following = values.follow === true;
        const out = values.json ? new JsonLogOutput(following) : new TextLogOutput();
        if (!following) return printOnce(client, buildId, selection, out);
        const interval = Number(values.interval ?? 1000);
        if (!Number.isInteger(interval) || interval < 10) {
          process.stderr.write(
            'bakehouse logs: --interval is a whole number of milliseconds, ' +
              `10 or more, not '${values.interval}'\n`,
          );
          return 2;
        }

        return follow(client, buildId, selection, interval, out);
      },
      { min: 1, max: 1 },
    ),
};

async function printOnce(
  client: BakehouseClient,
  buildId: string,
  selection: Selection,
  out: LogOutput,
): Promise<number> {
  const build = await client.get(buildPath(buildId), buildAnswer);
  const phases = selected(build, selection);
  if (phases.length === 0) {
    process.stderr.write(`bakehouse logs: ${nothingSelected(build, selection)}\n`);
    return 1;
  }
  for (const [job, phase] of phases) {
    out.phaseSeen(job, phase);
    await drain(client, build.buildId, job, phase, { offset: 0, done: false }, out);
    out.phaseLooked(build, job, phase);
  }

  return 0;
}

/**
 * Polls the build and streams each selected phase's new output until the
 * build finishes and every phase's log has been read to its end.
 */
async function follow(
  client: BakehouseClient,
  buildId: string,
  selection: Selection,
  interval: number,
  out: LogOutput,
): Promise<number> {
  const progress = new Map<string, PhaseProgress>();
  const appearBy = Date.now() + appearWithinMs;
  for (;;) {
    const build = await client.get(buildPath(buildId), buildAnswer).catch((error) => {
      const waiting = error instanceof ApiAnswerError && error.statusCode === 404;
      if (waiting && Date.now() < appearBy) return undefined;
      throw error;
    });
    if (build) {
      if (!finishedStatuses.has(build.status)) out.buildStatus(build);
      let pending = false;
      for (const [job, phase] of selected(build, selection)) {
        const key = `${job.jobId}/${phase.phase}`;
        let state = progress.get(key);
        if (!state) {
          state = { offset: 0, done: false };
          progress.set(key, state);
          out.phaseSeen(job, phase);
        }
        if (state.done) continue;
        await drain(client, build.buildId, job, phase, state, out);
        out.phaseLooked(build, job, phase);
        // The view said the phase had ended before the read: its log was whole.
        state.done = phase.status !== 'running';
        pending ||= !state.done;
      }
      if (finishedStatuses.has(build.status) && !pending) {
        out.buildStatus(build);
        return build.status === 'success' || build.status === 'skipped' ? 0 : 1;
      }
    }
    await sleep(interval);
  }
}

/** Reads a phase's log from `state.offset` to its current end, piece by piece. */
async function drain(
  client: BakehouseClient,
  buildId: string,
  job: JobView,
  phase: PhaseView,
  state: PhaseProgress,
  out: LogOutput,
): Promise<void> {
  for (;;) {
    const piece = await client.get(
      `${buildPath(buildId)}/jobs/${encodeURIComponent(job.jobId)}` +
        `/phases/${phase.phase}/log?offset=${state.offset}`,
      phaseLogAnswer,
    );
    if (piece.nextOffset === state.offset) return;
    out.phaseText(piece.text);
    state.offset = piece.nextOffset;
  }
}

function selected(build: BuildView, selection: Selection): [JobView, PhaseView][] {
  return build.jobs
    .filter((job) => !selection.job || job.jobId === selection.job)
    .flatMap((job) =>
      job.phases
        .filter((phase) => !selection.phase || phase.phase === selection.phase)
        .map((phase): [JobView, PhaseView] => [job, phase]),
    );
}

function nothingSelected(build: BuildView, selection: Selection): string {
  const what = [
    selection.phase && `phase ${selection.phase}`,
    selection.job && `job ${selection.job}`,
  ].filter(Boolean);

  if (what.length > 0)
    return `build ${build.buildId} has no ${what.join(' of ')} that ran`;

  return finishedStatuses.has(build.status)
    ? `build ${build.buildId} ended as ${build.status} without running a phase; ` +
        `bakehouse show ${build.buildId} says why`
    : `build ${build.buildId} has run no phase yet (${build.status})`;
}

function buildPath(buildId: string): string {
  return `/api/builds/${encodeURIComponent(buildId)}`;
}
