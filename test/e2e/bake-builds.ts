import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Backend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { LocalGitRepository } from '../../local/git-repository.ts';
import { localRepositoryFolder } from '../../local/local-repositories.ts';
import { sendPush } from '../../local/push-sender.ts';
import {
  type EventDataMap,
  type EventType,
  isEvent,
} from '../../shared/events/catalogue.ts';
import type { StoredEvent } from '../../shared/events/store.ts';

/** How long one build of the bake tests may take. */
const buildTimeoutMs = 60_000;

/** A finished build: its id and its events. */
export interface FinishedBuild {
  readonly buildId: string;
  readonly events: readonly StoredEvent[];
}

/**
 * Creates the repository `bake/<name>` under the backend's state folder from
 * the given files (path relative to the repository, text), committed on master.
 */
export async function createProject(
  backend: Backend,
  name: string,
  files: Readonly<Record<string, string>>,
): Promise<LocalGitRepository> {
  const template = await mkdtemp(join(backend.stateDir, 'template-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(template, path)), { recursive: true });
    await writeFile(join(template, path), text);
  }
  const folder = localRepositoryFolder(backend.stateDir, `bake/${name}`);
  const { repository } = await LocalGitRepository.create(folder, template, 'Start');

  return repository;
}

/**
 * Pushes the head of a branch of a repository to the backend and waits until
 * the build, its executions and its views have finished.
 */
export async function pushAndWait(
  backend: Backend,
  repository: LocalGitRepository,
  branch?: string,
): Promise<FinishedBuild> {
  const answer = await sendPush(backend.url, backend.stateDir, repository.folder, branch);
  const buildId = String(answer.body.buildId ?? '');
  if (answer.statusCode !== 202 || !buildId) {
    throw new Error(`The webhook answered ${answer.statusCode} for ${answer.repository}`);
  }
  const events = await waitForBuild(backend.events, buildId, buildTimeoutMs);
  await backend.idle();

  return { buildId, events };
}

/** The data of every event of a type in a build, in order. */
export function dataOf<T extends EventType>(
  build: FinishedBuild,
  type: T,
): EventDataMap[T][] {
  return build.events.flatMap((e) =>
    isEvent(e, type) ? [e.data as EventDataMap[T]] : [],
  );
}
