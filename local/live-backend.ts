import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file a backend holds from its first step to its last: its process id. */
const lockFile = 'backend.lock';

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

/** A backend already serves (or is starting on) the state folder another was to use. */
export class BackendRunningError extends Error {
  /**
   * @param url - where the running backend answers, or, for one still
   *   starting, `process <pid>` (it has written no address yet).
   */
  constructor(
    readonly stateDir: string,
    readonly url: string,
  ) {
    const where = url.startsWith('process ') ? `(${url}, still starting)` : `at ${url}`;
    super(
      `A Bakehouse backend is running on the state folder ${stateDir} ${where} ` +
        '(npm run serve?): stop it first, or give this run a folder of its own ' +
        'with --state-dir',
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
  const holder = lockHolder(stateDir);
  if (holder !== undefined) {
    throw new BackendRunningError(stateDir, `process ${holder}`);
  }
}

/**
 * Takes the state folder for this process, so that a second backend started
 * before the first has written its `endpoint` file is refused too; returns
 * the release. A lock whose process is gone is stale and taken over.
 */
export function takeBackendLock(stateDir: string): () => void {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, lockFile);
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = lockHolder(stateDir);
      if (holder !== undefined) {
        throw new BackendRunningError(stateDir, `process ${holder}`);
      }
      rmSync(file, { force: true });
    }
  }

  return () => {
    if (lockHolder(stateDir) === process.pid) rmSync(file, { force: true });
  };
}

/** The live process holding the state folder's lock, if any. */
function lockHolder(stateDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(stateDir, lockFile), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process lives, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
