import { execFile } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The author of the commits the embedded demo makes. */
export const demoAuthor = { name: 'Bakehouse Demo', email: 'demo@bakehouse.invalid' };

/** A commit made in a local repository. */
export interface LocalCommit {
  readonly sha: string;
  readonly branch: string;
  readonly message: string;
}

/**
 * A git repository on disk that the embedded source host serves: created
 * from a folder of files at run time (a nested .git would not survive a
 * clone of Bakehouse itself), then changed and committed to like any other.
 */
export class LocalGitRepository {
  private constructor(readonly folder: string) {}

  /** Creates the repository at `folder` from `template`, committed on master. */
  static async create(
    folder: string,
    template: string,
    message: string,
  ): Promise<{ repository: LocalGitRepository; commit: LocalCommit }> {
    await rm(folder, { recursive: true, force: true });
    await mkdir(dirname(folder), { recursive: true });
    await cp(template, folder, { recursive: true });
    const repository = new LocalGitRepository(folder);
    await repository.git('init', '--quiet', '--initial-branch=master');
    const commit = await repository.commitAll(message);

    return { repository, commit };
  }

  /** Writes files (path relative to the repository, text) and commits them. */
  async change(
    files: Readonly<Record<string, string>>,
    message: string,
  ): Promise<LocalCommit> {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(this.folder, path)), { recursive: true });
      await writeFile(join(this.folder, path), text);
    }

    return this.commitAll(message);
  }

  /** Creates a branch at the current commit and switches to it. */
  async branch(name: string): Promise<void> {
    await this.git('checkout', '--quiet', '-b', name);
  }

  /** Switches to an existing branch. */
  async checkout(name: string): Promise<void> {
    await this.git('checkout', '--quiet', name);
  }

  /** Copies the files of `template` into the work tree (to commit them next). */
  async copyIn(template: string): Promise<void> {
    await cp(template, this.folder, { recursive: true });
  }

  /** Stages everything and commits it as the demo author. */
  async commitAll(message: string): Promise<LocalCommit> {
    await this.git('add', '--all');
    await this.git(
      '-c',
      `user.name=${demoAuthor.name}`,
      '-c',
      `user.email=${demoAuthor.email}`,
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      message,
    );

    return {
      sha: await this.git('rev-parse', 'HEAD'),
      branch: await this.git('rev-parse', '--abbrev-ref', 'HEAD'),
      message,
    };
  }

  private async git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', args, { cwd: this.folder });

    return stdout.trim();
  }
}
