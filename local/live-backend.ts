import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The URL of a backend that still answers on this state folder, if any: the
 * one its `endpoint` file names, asked once with a short timeout. Commands
 * that rewrite the state folder refuse to run beside it.
 */
export async function liveBackendOf(stateDir: string): Promise<string | undefined> {
  const url = (await readFile(join(stateDir, 'endpoint'), 'utf8').catch(() => '')).trim();
  if (!url) return undefined;
  const answered = await fetch(`${url}/api/projects`, {
    signal: AbortSignal.timeout(1_000),
  }).then(
    () => true,
    () => false,
  );

  return answered ? url : undefined;
}

/** A backend already serves the state folder that another one was to use. */
export class BackendRunningError extends Error {
  constructor(
    readonly stateDir: string,
    readonly url: string,
  ) {
    super(
      `A Bakehouse backend is running on the state folder ${stateDir} at ` +
        `${url} (npm run serve?): stop it first, or give this run a ` +
        'folder of its own with --state-dir',
    );
    this.name = 'BackendRunningError';
  }
}

/**
 * Throws {@link BackendRunningError} when a backend answers on this state
 * folder: two backends on one folder would share DynamoDB Local's files, and
 * the one that stops first would take the other's `endpoint` file with it.
 */
export async function refuseBesideLiveBackend(stateDir: string): Promise<void> {
  const running = await liveBackendOf(stateDir);
  if (running) throw new BackendRunningError(stateDir, running);
}
