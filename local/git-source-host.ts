import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { configFileNames } from '../shared/github/config-file-names.ts';
import type { ConfigFile, SourceHost } from '../shared/ports/source-host.ts';

const run = promisify(execFile);

/** Raised when git cannot answer about a repository on disk. */
export class GitSourceError extends Error {
  override readonly name = 'GitSourceError';
}

/**
 * The source host of the embedded mode: git repositories on disk, found by a
 * function of `owner/repo`. There are no pull requests locally: a repository
 * on disk has none open, and pull-request files are never asked for.
 */
export class GitSourceHost implements SourceHost {
  readonly #folderOf: (repository: string) => string;

  constructor(folderOf: (repository: string) => string) {
    this.#folderOf = folderOf;
  }

  /**
   * The first of appveyor.yml, .appveyor.yml, appveyor.yaml at the commit
   * that is a file (`git cat-file blob`: a folder of that name is passed over).
   */
  async fetchConfig(repository: string, sha: string): Promise<ConfigFile | undefined> {
    const folder = this.#folderOf(repository);
    await this.#git(folder, ['rev-parse', '--verify', '--quiet', `${sha}^{commit}`]);
    for (const path of configFileNames) {
      const text = await this.#git(folder, ['cat-file', 'blob', `${sha}:${path}`]).catch(
        () => undefined,
      );
      if (text !== undefined) return { path, text };
    }

    return undefined;
  }

  /** Files changed between two commits (`git diff --name-only`). */
  async changedFiles(repository: string, base: string, head: string): Promise<string[]> {
    const out = await this.#git(this.#folderOf(repository), [
      'diff',
      '--name-only',
      base,
      head,
    ]);

    return out.split('\n').filter((line) => line !== '');
  }

  /** Always empty: pull requests exist only on GitHub. */
  async pullRequestFiles(): Promise<string[]> {
    return [];
  }

  /** Always false: pull requests exist only on GitHub. */
  async hasOpenPullRequest(): Promise<boolean> {
    return false;
  }

  async #git(folder: string, args: string[]): Promise<string> {
    try {
      const { stdout } = await run('git', ['-C', folder, ...args], {
        maxBuffer: 16 * 1024 * 1024,
      });

      return stdout;
    } catch (error) {
      const detail =
        (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
      throw new GitSourceError(`git ${args.join(' ')} failed in ${folder}: ${detail}`);
    }
  }
}
