/** `bakehouse show <build> [--states] [--json]`: a build, its jobs and phases. */
import type { ExecutionHistoryAnswer } from '../shared/api/ports.ts';
import type { BuildView, JobView } from '../shared/views/build-view.ts';
import { buildAnswer, historyAnswer } from './answers.ts';
import { ApiAnswerError, type BakehouseClient, runClientCommand } from './client.ts';
import type { Command } from './commands.ts';
import { cell, duration, json, shortSha, table, time } from './format.ts';
import { terminalSafe } from './terminal-text.ts';

const usage = `Usage: bakehouse show <build id> [--states] [--json] [--endpoint URL]

Shows a build: its commit, status, jobs, phases with durations and exit codes,
the artifacts they stored and the image it baked.
  --states   also the execution's state history, as the Step Functions console shows it
  --json     the build (and states) as JSON, for scripts
Exit codes: 0 shown, 1 no backend, no such build or an error answer, 2 wrong usage.`;

const options = { states: { type: 'boolean' }, json: { type: 'boolean' } } as const;

/** The `show` command. */
export const show: Command = {
  summary: 'show a build with its jobs and phases',
  run: (argv) =>
    runClientCommand(
      'show',
      usage,
      options,
      argv,
      async ({ values, positionals, client }) => {
        const id = encodeURIComponent(positionals[0] ?? '');
        const build = await client.get(`/api/builds/${id}`, buildAnswer);
        const states = values.states ? await historyOf(client, id) : undefined;

        if (values.json) {
          const shown =
            typeof states === 'string'
              ? { build, states: null, note: states }
              : states
                ? { build, states }
                : { build };
          process.stdout.write(json(shown));
        } else {
          // Messages are a build's own words: on a terminal they cannot drive it.
          const text = describeBuild(build);
          process.stdout.write(process.stdout.isTTY ? terminalSafe(text) : text);
          if (typeof states === 'string') process.stdout.write(`\n${states}\n`);
          else if (states) process.stdout.write(`\n${describeStates(states)}`);
        }
        return 0;
      },
      { min: 1, max: 1 },
    ),
};

/**
 * The execution's history, or why there is none: the embedded backend keeps
 * it in memory only, so a build from before a restart has none to show.
 */
async function historyOf(
  client: BakehouseClient,
  id: string,
): Promise<ExecutionHistoryAnswer | string> {
  try {
    return await client.get(`/api/builds/${id}/states`, historyAnswer);
  } catch (error) {
    if (!(error instanceof ApiAnswerError) || error.statusCode !== 404) throw error;

    return `No execution history: ${error.message}`;
  }
}

/** A build for people: its header, messages and each job with its phases. */
export function describeBuild(build: BuildView): string {
  const ref = build.branch ?? build.tag ?? build.ref;
  const lines = [
    `Build ${build.buildId}${build.number === undefined ? '' : ` #${build.number}`}` +
      `${build.version ? ` (${build.version})` : ''}: ${build.status}`,
    `  project   ${build.repository}  ${ref}`,
    `  commit    ${shortSha(build.sha)} ${build.commitTitle} (${build.author})`,
    `  requested ${time(build.requestedAt)}   duration ${duration(build.durationMs)}`,
  ];
  if (build.skipReason) lines.push(`  skipped   ${build.skipReason}`);
  // The message says the line and column in AppVeyor's words already.
  for (const error of build.configErrors ?? [])
    lines.push(`  error     ${error.message}`);
  for (const message of build.messages) {
    const job = message.jobId ? ` job ${message.jobId}` : '';
    lines.push(`  ${message.level}${job}: ${message.message}`);
  }
  if (build.messagesNotShown) {
    lines.push(`  (${build.messagesNotShown} more messages are in the build's events)`);
  }

  return `${[...lines, ...build.jobs.flatMap(describeJob)].join('\n')}\n`;
}

/** The artifacts a job's lines name; `bakehouse artifacts` lists them all. */
const shownArtifacts = 5;

function describeJob(job: JobView): string[] {
  const image = job.runner?.image;
  // "from" only says something the job's image name does not: a version.
  const from =
    image && (image.version !== undefined || image.name !== job.image)
      ? ` from ${image.name}${image.version === undefined ? '' : ` v${image.version}`}`
      : '';
  const lines = [
    '',
    `Job ${job.jobId}: ${job.name} (${job.image || '-'}${from}): ${job.status}, ` +
      `${duration(job.durationMs)}`,
  ];
  if (job.phases.length > 0) {
    const phases = table(
      ['PHASE', 'STATUS', 'EXIT', 'DURATION'],
      job.phases.map((p) => [
        p.phase,
        p.status,
        cell(p.exitCode),
        duration(p.durationMs),
      ]),
    );
    lines.push(
      ...phases
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
    );
  }
  const stored = job.artifacts ?? [];
  if (stored.length > 0) {
    const names = stored.slice(0, shownArtifacts).map((a) => a.fileName);
    const more =
      stored.length > shownArtifacts ? ` and ${stored.length - shownArtifacts} more` : '';
    lines.push(`  artifacts ${names.join(', ')}${more}`);
  }
  const bake = job.bake;
  if (bake) {
    const version = bake.version === undefined ? '' : ` v${bake.version} (${bake.ref})`;
    const reason = bake.reason ? `: ${bake.reason}` : '';
    lines.push(`  bake ${bake.imageName ?? '-'}: ${bake.status}${version}${reason}`);
  }
  if (job.runner?.terminatedReason) {
    lines.push(`  runner ${job.runner.runnerId} ended: ${job.runner.terminatedReason}`);
  }

  return lines;
}

/** An execution's history for people: one line per event, times from its start. */
export function describeStates(history: ExecutionHistoryAnswer): string {
  const start = Date.parse(history.events[0]?.at ?? '');
  const rows = history.events.map((event) => [
    `+${duration(Date.parse(event.at) - start)}`,
    event.kind,
    cell(event.state),
    cell(event.iteration),
    [event.error, event.cause].filter(Boolean).join(': ').slice(0, 100),
  ]);

  return `Execution: ${history.status}\n${table(
    ['AT', 'EVENT', 'STATE', 'ITERATION', 'DETAIL'],
    rows,
  )}`;
}
