/** `bakehouse artifacts <build> [--job J] [--file F] [--download DIR] [--json]`. */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { ArtifactListAnswer } from '../shared/api/artifacts.ts';
import { artifactFileNameProblem } from '../shared/artifacts/names.ts';
import type { ArtifactView } from '../shared/views/build-view.ts';
import { buildViewBudget } from '../shared/views/build-view.ts';
import { artifactLocation, artifactsAnswer } from './answers.ts';
import { type BakehouseClient, runClientCommand } from './client.ts';
import type { Command } from './commands.ts';
import { cell, json, size, table, time } from './format.ts';

const usage = `Usage: bakehouse artifacts <build id> [--job J] [--file F] [--download DIR]
                           [--json] [--endpoint URL]

Lists the artifacts of a build, job by job, or downloads them.
  --job J          only job J
  --file F         only the artifact of file name F (as listed, e.g. bin/app.zip)
  --download DIR   saves the selected artifacts under DIR: as DIR/<file name> when
                   they come from one job, as DIR/<job>/<file name> otherwise
  --json           the artifacts (with --download, the saved files) as JSON
Exit codes: 0 listed or saved, 1 no backend, no such build, job or artifact, or a
failed download, 2 wrong usage.`;

const options = {
  job: { type: 'string' },
  file: { type: 'string' },
  download: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** An artifact of the build with the job it belongs to. */
interface JobArtifact extends ArtifactView {
  readonly jobId: string;
}

/**
 * Raised when the selection names no job or artifact of the build, or an
 * artifact cannot be saved; the command says why and exits 1.
 */
class ArtifactSelectionError extends Error {
  override readonly name = 'ArtifactSelectionError';
}

/** The `artifacts` command. */
export const artifacts: Command = {
  summary: "list a build's artifacts, or download them",
  run: (argv) =>
    runClientCommand(
      'artifacts',
      usage,
      options,
      argv,
      async ({ values, positionals, client }) => {
        try {
          return await listOrDownload(client, positionals[0] ?? '', values);
        } catch (error) {
          if (!(error instanceof ArtifactSelectionError)) throw error;
          process.stderr.write(`bakehouse artifacts: ${error.message}\n`);
          return 1;
        }
      },
      { min: 1, max: 1 },
    ),
};

/** Lists the selected artifacts, or saves them under `--download`'s folder. */
async function listOrDownload(
  client: BakehouseClient,
  buildId: string,
  values: Record<string, unknown>,
): Promise<number> {
  const list = await client.get(
    `/api/builds/${encodeURIComponent(buildId)}/artifacts`,
    artifactsAnswer,
  );
  const job = values.job as string | undefined;
  const selected = select(list, job, values.file as string | undefined);
  const folder = values.download as string | undefined;
  if (folder === undefined) {
    process.stdout.write(values.json ? json(selected) : listing(list, selected));
    return 0;
  }

  const oneJob = new Set(selected.map((a) => a.jobId)).size <= 1;
  const saved = [];
  for (const artifact of selected) {
    const target = targetOf(folder, artifact, oneJob);
    await download(client, list.buildId, artifact, target);
    saved.push({ ...artifact, savedTo: target });
    if (!values.json) {
      process.stdout.write(
        `Saved ${artifact.fileName} of job ${artifact.jobId} ` +
          `(${size(artifact.size)}) to ${target}\n`,
      );
    }
  }
  if (values.json) process.stdout.write(json(saved));
  else if (saved.length === 0) process.stdout.write(nothing(list.buildId, job));
  return 0;
}

/** The artifacts of the selected job and file; a job or file the build lacks is an error. */
function select(
  list: ArtifactListAnswer,
  jobId: string | undefined,
  fileName: string | undefined,
): JobArtifact[] {
  const jobs = list.jobs.filter((j) => jobId === undefined || j.jobId === jobId);
  if (jobs.length === 0) {
    const known = list.jobs.map((j) => j.jobId).join(', ') || 'none';
    throw new ArtifactSelectionError(
      `build ${list.buildId} has no job ${jobId}; its jobs are ${known}`,
    );
  }
  const found = jobs.flatMap((j) =>
    j.artifacts
      .filter((a) => fileName === undefined || a.fileName === fileName)
      .map((a) => ({ ...a, jobId: j.jobId })),
  );
  if (fileName !== undefined && found.length === 0) {
    const where = jobId === undefined ? '' : ` in job ${jobId}`;
    throw new ArtifactSelectionError(
      `build ${list.buildId} has no artifact ${fileName}${where}`,
    );
  }

  return found;
}

function listing(list: ArtifactListAnswer, selected: readonly JobArtifact[]): string {
  const notListed = list.jobs.reduce((sum, j) => sum + (j.notListed ?? 0), 0);
  const more = notListed
    ? `(${notListed} more artifacts are stored but not listed: ` +
      `a build lists ${buildViewBudget.artifacts})\n`
    : '';
  if (selected.length === 0) return nothing(list.buildId) + more;

  return `${table(
    ['JOB', 'FILE', 'NAME', 'TYPE', 'SIZE', 'PUSHED'],
    selected.map((a) => [
      a.jobId,
      a.fileName,
      cell(a.name),
      a.type,
      size(a.size),
      time(a.pushedAt),
    ]),
  )}${more}`;
}

function nothing(buildId: string, jobId?: string): string {
  return `Build ${buildId}${jobId ? ` job ${jobId}` : ''} has no artifacts.\n`;
}

/** Where an artifact is saved; a file name that would leave the folder is refused. */
function targetOf(folder: string, artifact: JobArtifact, oneJob: boolean): string {
  const problem = artifactFileNameProblem(artifact.fileName);
  if (problem) {
    throw new ArtifactSelectionError(
      `artifact '${artifact.fileName}' of job ${artifact.jobId} is not saved: ${problem}`,
    );
  }
  const parts = oneJob ? [artifact.fileName] : [artifact.jobId, artifact.fileName];

  return path.join(folder, ...parts);
}

/** Asks the backend where the artifact is, and saves what that URL answers. */
async function download(
  client: BakehouseClient,
  buildId: string,
  artifact: JobArtifact,
  target: string,
): Promise<void> {
  const file = artifact.fileName.split('/').map(encodeURIComponent).join('/');
  const { url } = await client.locate(
    `/api/builds/${encodeURIComponent(buildId)}/jobs/` +
      `${encodeURIComponent(artifact.jobId)}/artifacts/${file}`,
    artifactLocation,
  );
  const response = await fetch(url);
  if (!response.ok || !response.body) {
    throw new ArtifactSelectionError(
      `downloading ${artifact.fileName} of job ${artifact.jobId} answered ` +
        `${response.status}`,
    );
  }
  await mkdir(path.dirname(target), { recursive: true });
  await pipeline(
    Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
    createWriteStream(target),
  );
}
