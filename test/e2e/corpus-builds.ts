import {
  access,
  constants,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Backend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { LocalGitRepository } from '../../local/git-repository.ts';
import { localRepositoryFolder } from '../../local/local-repositories.ts';
import { sendPush } from '../../local/push-sender.ts';
import type { BuildView, JobView, PhaseView } from '../../shared/views/build-view.ts';

/** The folder of the AppVeyor corpus, read in place (never copied into the project). */
export const corpusFolder = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'corpus',
  'appveyor',
);

/** Raised when a tool the runners' toolbox needs is not on this machine. */
export class ToolboxToolMissingError extends Error {
  override readonly name = 'ToolboxToolMissingError';
}

/**
 * Links each named tool, found on this process's PATH, into `folder` and
 * returns the folder as a PATH: runners that see only these tools give the
 * same results on any machine, whatever else it has installed.
 */
export async function runnerToolbox(
  folder: string,
  tools: readonly string[],
): Promise<string> {
  await mkdir(folder, { recursive: true });
  const searched = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const tool of tools) {
    const found = await firstExecutable(searched.map((dir) => join(dir, tool)));
    if (!found) {
      throw new ToolboxToolMissingError(
        `The runners' toolbox needs '${tool}', which is not on this machine's PATH`,
      );
    }
    await symlink(found, join(folder, tool));
  }

  return folder;
}

async function firstExecutable(candidates: readonly string[]) {
  for (const candidate of candidates) {
    const ok = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok) return candidate;
  }

  return undefined;
}

/** A corpus config committed into a local repository with the files it expects. */
export interface CorpusRepository {
  /** The corpus file, relative to the corpus folder. */
  readonly corpusFile: string;
  /** The branch the config builds, which the commit lands on. */
  readonly branch: string;
  /** The files the config expects besides appveyor.yml (path → text). */
  readonly files: Readonly<Record<string, string>>;
  /** Paths among `files` that must be executable. */
  readonly executables?: readonly string[];
}

/**
 * Creates `corpus/<name>` in the backend's repositories: the corpus file as
 * appveyor.yml plus the files it expects, committed on the branch it builds.
 */
export async function createCorpusRepository(
  backend: Backend,
  name: string,
  repository: CorpusRepository,
): Promise<LocalGitRepository> {
  const template = await mkdtemp(join(tmpdir(), 'bakehouse-corpus-'));
  const config = await readFile(join(corpusFolder, repository.corpusFile), 'utf8');
  const files = { 'appveyor.yml': config, ...repository.files };
  for (const [path, text] of Object.entries(files)) {
    const file = join(template, path);
    await mkdir(dirname(file), { recursive: true });
    const executable = repository.executables?.includes(path) ?? false;
    await writeFile(file, text, { mode: executable ? 0o755 : 0o644 });
  }
  const folder = localRepositoryFolder(backend.stateDir, `corpus/${name}`);
  const { repository: git } = await LocalGitRepository.create(
    folder,
    template,
    `${repository.corpusFile} with the files it expects`,
  );
  await rm(template, { recursive: true, force: true });
  if (repository.branch !== 'master') await git.branch(repository.branch);

  return git;
}

/**
 * Pushes a branch of a local repository through the webhook path, waits for
 * its build to end and returns the build's view.
 */
export async function pushAndWait(
  backend: Backend,
  repository: LocalGitRepository,
  branch: string,
  timeoutMs: number,
): Promise<BuildView> {
  const answer = await sendPush(backend.url, backend.stateDir, repository.folder, branch);
  const buildId = String(answer.body.buildId ?? '');
  if (answer.statusCode !== 202 || !buildId) {
    throw new Error(
      `The webhook answered ${answer.statusCode} ${JSON.stringify(answer.body)} ` +
        `to a push of ${answer.repository} ${branch}`,
    );
  }
  await waitForBuild(backend.events, buildId, timeoutMs);
  await backend.idle();
  const view = await backend.queries.getBuild(buildId);
  if (!view) throw new Error(`Build ${buildId} of ${answer.repository} has no view`);

  return view;
}

/** A phase of a job with its log text. */
export interface PhaseWithLog {
  readonly phase: PhaseView;
  readonly log: string;
}

/** The log text of a phase, or '' when it has none. */
export async function phaseLog(phase: PhaseView): Promise<string> {
  return phase.logPointer ? readFile(phase.logPointer, 'utf8').catch(() => '') : '';
}

/** The first phase of a job that did not succeed, with its log. */
export async function firstFailedPhase(job: JobView): Promise<PhaseWithLog | undefined> {
  const phase = job.phases.find((p) => p.status !== 'success');

  return phase ? { phase, log: await phaseLog(phase) } : undefined;
}
