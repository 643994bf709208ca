import { mkdir, readlink, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { isRepositoryName } from '../shared/intake/limits.ts';

/** The owner of repositories registered from a folder on disk. */
export const localOwner = 'local';

/** Raised when a repository full name cannot name a folder. */
export class LocalRepositoryNameError extends Error {
  override readonly name = 'LocalRepositoryNameError';
}

const namePart = /^[A-Za-z0-9_.-]+$/;

/**
 * Where the embedded source host finds `owner/repo`:
 * `<state folder>/repositories/<owner>/<repo>`, a git repository or a link to
 * one. The folder is the registry: no other record of local repositories.
 */
export function localRepositoryFolder(stateDir: string, repository: string): string {
  const parts = repository.split('/');
  const [owner = '', repo = ''] = parts;
  const valid = [owner, repo].every((p) => namePart.test(p) && p !== '.' && p !== '..');
  if (parts.length !== 2 || !valid) {
    throw new LocalRepositoryNameError(
      `Repository name '${repository}' is not of the form owner/repo`,
    );
  }

  return path.join(repositoriesRoot(stateDir), owner, repo);
}

/**
 * The full name of a git repository on disk, registering it when needed: a
 * folder already under `repositories/` keeps its `owner/repo`; any other
 * folder gets `local/<folder name>` (then `-2`, `-3`... when another folder
 * took that name), as a link to it.
 */
export async function registerLocalRepository(
  stateDir: string,
  folder: string,
): Promise<string> {
  const real = await realpath(folder);
  const root = await realpath(repositoriesRoot(stateDir)).catch(() =>
    path.resolve(repositoriesRoot(stateDir)),
  );
  const inside = path.relative(root, real).split(path.sep);
  // A name GitHub would not take is refused by intake: keep to its rules.
  if (inside.length === 2 && isRepositoryName(inside.join('/'))) {
    return inside.join('/');
  }

  const base =
    path
      .basename(real)
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .slice(0, 90) || 'repository';
  await mkdir(path.join(root, localOwner), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const name = attempt === 1 ? base : `${base}-${attempt}`;
    const link = path.join(root, localOwner, name);
    if (await linksTo(link, real)) return `${localOwner}/${name}`;
    const created = await symlink(real, link, 'dir').then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
    // Another process may have made the same link at the same moment.
    if (created || (await linksTo(link, real))) return `${localOwner}/${name}`;
  }
}

function repositoriesRoot(stateDir: string): string {
  return path.join(stateDir, 'repositories');
}

async function linksTo(link: string, target: string): Promise<boolean> {
  const existing = await readlink(link).catch(() => undefined);
  if (existing === undefined) return false;

  return (await realpath(link).catch(() => undefined)) === target;
}
