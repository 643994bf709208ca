import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A git repository in a new temporary folder named `name`, with one commit of `files`. */
export async function gitRepository(
  name: string,
  files: Record<string, string | Uint8Array>,
  message = 'Add the build config\n\nWith a body.',
): Promise<{ folder: string; sha: string }> {
  const folder = path.join(await mkdtemp(path.join(tmpdir(), 'bakehouse-repo-')), name);
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', folder, ...args], { encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '-b', 'main', folder]);
  git('config', 'user.name', 'Ada Lovelace');
  git('config', 'user.email', 'ada@example.com');
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
    await writeFile(path.join(folder, file), content);
  }
  git('add', '.');
  git('commit', '-q', '-m', message);

  return { folder, sha: git('rev-parse', 'HEAD') };
}
