/** `bakehouse builds [--repo R] [--limit N] [--json]`: the latest builds. */
import type { BuildSummary } from '../shared/views/queries.ts';
import { buildsAnswer, projectsAnswer } from './answers.ts';
import { type BakehouseClient, runClientCommand } from './client.ts';
import type { Command } from './commands.ts';
import { cell, duration, json, shortSha, table, time } from './format.ts';

const usage = `Usage: bakehouse builds [--repo OWNER/REPO] [--limit N] [--json] [--endpoint URL]

Lists the latest builds, newest first: of one project, or of every project.
  --repo R     only the builds of this repository
  --limit N    at most N builds (default 20)
  --json       the builds as JSON, for scripts
Exit codes: 0 listed, 1 no backend or an error answer, 2 wrong usage.`;

const options = {
  repo: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The `builds` command. */
export const builds: Command = {
  summary: 'list the latest builds',
  run: (argv) =>
    runClientCommand('builds', usage, options, argv, async ({ values, client }) => {
      const limit = Number(values.limit ?? 20);
      if (!Number.isInteger(limit) || limit < 1) {
        process.stderr.write(`bakehouse builds: --limit should be a whole number\n`);
        return 2;
      }
      const repo = values.repo as string | undefined;
      if (repo !== undefined && !/^[^/]+\/[^/]+$/.test(repo)) {
        process.stderr.write(
          `bakehouse builds: --repo takes OWNER/REPO (local/my-repo for a ` +
            `repository built with bakehouse build), not '${repo}'\n`,
        );
        return 2;
      }
      const list = await latestBuilds(client, repo, limit);

      process.stdout.write(values.json ? json(list) : buildsTable(list));
      return 0;
    }),
};

async function latestBuilds(
  client: BakehouseClient,
  repository: string | undefined,
  limit: number,
): Promise<BuildSummary[]> {
  const repositories = repository
    ? [repository]
    : (await client.get('/api/projects', projectsAnswer)).projects.map(
        (p) => p.repository,
      );
  const lists = await Promise.all(
    repositories.map(async (name) => {
      const [owner = '', repo = ''] = name.split('/');
      const page = await client.get(
        `/api/projects/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}` +
          `/builds?limit=${limit}`,
        buildsAnswer,
      );

      return page.builds;
    }),
  );

  return lists
    .flat()
    .sort((a, b) => b.buildId.localeCompare(a.buildId))
    .slice(0, limit);
}

function buildsTable(list: readonly BuildSummary[]): string {
  if (list.length === 0) return 'No builds yet.\n';

  return table(
    ['BUILD', 'PROJECT', '#', 'BRANCH', 'COMMIT', 'STATUS', 'DURATION', 'REQUESTED'],
    list.map((b) => [
      b.buildId,
      b.repository,
      cell(b.number),
      cell(b.branch ?? b.tag ?? (b.pullRequest && `PR #${b.pullRequest.number}`)),
      `${shortSha(b.sha)} ${b.commitTitle.slice(0, 40)}`,
      b.status,
      duration(b.durationMs),
      time(b.requestedAt),
    ]),
  );
}
