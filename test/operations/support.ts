import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../../local/backend.ts';
import { sendPush } from '../../local/push-sender.ts';
import { buildStream, isEvent } from '../../shared/events/catalogue.ts';
import type { StoredEvent } from '../../shared/events/store.ts';
import { gitRepository } from '../api/git-repository.ts';

/** An answer of the backend: status and JSON (or SVG text) body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
  readonly type: string;
}

/** Sends one request to the backend and reads its answer. */
export async function call(
  backend: Backend,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const response = await fetch(`${backend.url}${path}`, {
    method,
    ...(body !== undefined && {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const parsed = type.startsWith('application/json') ? JSON.parse(text) : {};

  return { status: response.status, body: parsed, text, type };
}

/** Pushes a new repository with one commit of `appveyor.yml`; resolves to the build id. */
export async function pushBuild(
  backend: Backend,
  name: string,
  config: string,
): Promise<string> {
  const repo = await gitRepository(name, { 'appveyor.yml': config });
  const answer = await sendPush(backend.url, backend.stateDir, repo.folder);

  return String(answer.body.buildId);
}

/** Polls the build's stream until `until` holds; resolves to the stream. */
export async function waitForEvents(
  backend: Backend,
  buildId: string,
  until: (events: readonly StoredEvent[]) => boolean,
  timeoutMs = 60_000,
): Promise<StoredEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await backend.events.read(buildStream(buildId));
    if (until(events)) return events;
    if (Date.now() > deadline) {
      throw new Error(`build ${buildId}: the awaited events did not come in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the build's `build_script` phase has started on a runner. */
export function buildScriptStarted(events: readonly StoredEvent[]): boolean {
  return events.some(
    (e) => isEvent(e, 'PhaseStarted') && e.data.phase === 'build_script',
  );
}

/** The runner folders left in the state folder. */
export async function runnerFolders(stateDir: string): Promise<string[]> {
  return readdir(join(stateDir, 'runners')).catch(() => []);
}
