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

/** A backend asked to start on a state folder that another backend serves. */
export class StateFolderInUseError extends Error {
  override readonly name = 'StateFolderInUseError';

  constructor(
    readonly stateDir: string,
    readonly url: string,
  ) {
    super(
      `a backend runs on ${stateDir} at ${url}; stop it first, or give this ` +
        'one another state folder (--state-dir): started beside it, this one ' +
        'would take its running builds for interrupted ones and end them',
    );
  }
}
