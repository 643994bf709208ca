/**
 * A GitHub `push` delivery for a commit of a git repository on disk, shaped
 * like the deliveries GitHub sends (the push example of
 * @octokit/webhooks-examples), so the local webhook path is the real one.
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Raised when git cannot tell what to push: no repository, no such branch, a detached HEAD. */
export class LocalPushError extends Error {
  override readonly name = 'LocalPushError';
}

/** A commit of a repository on disk, read with git. */
export interface LocalCommit {
  /** The repository's top folder. */
  readonly folder: string;
  readonly branch: string;
  readonly sha: string;
  readonly treeSha: string;
  /** The first parent, when the commit has one. */
  readonly parent?: string;
  readonly message: string;
  readonly author: { readonly name: string; readonly email: string };
  readonly committer: { readonly name: string; readonly email: string };
  /** ISO 8601 commit time. */
  readonly timestamp: string;
  readonly added: readonly string[];
  readonly modified: readonly string[];
  readonly removed: readonly string[];
}

const zeroSha = '0'.repeat(40);

/** The head commit of `branch` (default: the branch checked out) in the repository at `folder`. */
export async function readLocalCommit(
  folder: string,
  branch?: string,
): Promise<LocalCommit> {
  if (!existsSync(folder)) throw new LocalPushError(`There is no folder ${folder}`);
  const top = (
    await git(folder, ['rev-parse', '--show-toplevel']).catch(notRepository(folder))
  ).trim();
  if (realpathSync(top) !== realpathSync(folder)) {
    // Building the enclosing repository instead would surprise: say so.
    throw new LocalPushError(
      `${folder} is not the top folder of a git repository: it lies inside ` +
        `${top}. Pass ${top} to build that repository, or make ${folder} a ` +
        'repository of its own (git init, git add, git commit)',
    );
  }
  const checkedOut = (
    await git(top, ['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')
  ).trim();
  const name = branch ?? checkedOut;
  if (!name) {
    throw new LocalPushError(`HEAD of ${top} is detached: name a branch with --branch`);
  }
  const sha = (
    await git(top, ['rev-parse', '--verify', '-q', `refs/heads/${name}^{commit}`]).catch(
      () => '',
    )
  ).trim();
  if (!sha && name === checkedOut) {
    throw new LocalPushError(
      `${top} has no commit on its branch '${name}' yet: commit first (git add, git commit)`,
    );
  }
  if (!sha) throw new LocalPushError(`${top} has no branch '${name}'`);
  const format = ['%T', '%P', '%an', '%ae', '%cn', '%ce', '%cI', '%B'].join('%x00');
  const [treeSha = '', parents = '', ...fields] = (
    await git(top, ['show', '-s', `--format=${format}`, sha])
  ).split('\0');
  const [authorName = '', authorEmail = '', committerName = '', committerEmail = ''] =
    fields;
  const files = await changedFiles(top, sha);

  return {
    folder: top,
    branch: name,
    sha,
    treeSha,
    ...(parents.trim() && { parent: parents.trim().split(' ')[0] }),
    message: (fields[5] ?? '').trimEnd(),
    author: { name: authorName, email: authorEmail },
    committer: { name: committerName, email: committerEmail },
    timestamp: fields[4] ?? new Date().toISOString(),
    ...files,
  };
}

/**
 * The push of one commit to its branch, as GitHub would deliver it for
 * `repository` (`owner/repo`): the commit alone in `commits`, `before` its
 * parent (or zeros for a first commit).
 */
export function pushPayload(repository: string, commit: LocalCommit): object {
  const [owner = '', name = ''] = repository.split('/');
  const html = `file://${commit.folder}`;
  const person = (p: LocalCommit['author']) => ({ ...p, username: p.name });
  const headCommit = {
    id: commit.sha,
    tree_id: commit.treeSha,
    distinct: true,
    message: commit.message,
    timestamp: commit.timestamp,
    url: `${html}#${commit.sha}`,
    author: person(commit.author),
    committer: person(commit.committer),
    added: commit.added,
    removed: commit.removed,
    modified: commit.modified,
  };

  return {
    ref: `refs/heads/${commit.branch}`,
    before: commit.parent ?? zeroSha,
    after: commit.sha,
    created: commit.parent === undefined,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${html}#${commit.parent ?? ''}...${commit.sha}`,
    commits: [headCommit],
    head_commit: headCommit,
    repository: {
      name,
      full_name: repository,
      private: true,
      owner: { name: owner, login: owner },
      html_url: html,
      description: null,
      fork: false,
      url: html,
      clone_url: commit.folder,
      default_branch: commit.branch,
      master_branch: commit.branch,
    },
    pusher: { name: commit.author.name, email: commit.author.email },
    sender: { login: commit.author.name, type: 'User' },
  };
}

async function changedFiles(top: string, sha: string) {
  const out = await git(top, [
    'diff-tree',
    '--no-commit-id',
    '--name-status',
    '-r',
    '--root',
    sha,
  ]);
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const line of out.split('\n').filter(Boolean)) {
    // diff-tree detects no renames unless asked: one status and one path a line.
    const [status = '', path = ''] = line.split('\t');
    if (status === 'A') added.push(path);
    else if (status === 'D') removed.push(path);
    else modified.push(path);
  }

  return { added, modified, removed };
}

/** Turns git's "not a git repository" into what to do about it. */
function notRepository(folder: string): (error: unknown) => never {
  return (error) => {
    const message = (error as Error).message;
    if (/not a git repository|must be run in a work tree/.test(message)) {
      throw new LocalPushError(
        `${folder} is not a git repository: make it one ` +
          `(git init, git add, git commit) and build its top folder`,
      );
    }
    throw error;
  };
}

async function git(folder: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', folder, ...args], {
      maxBuffer: 16 * 1024 * 1024,
    });

    return stdout;
  } catch (error) {
    const detail =
      (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new LocalPushError(`git ${args.join(' ')} failed in ${folder}: ${detail}`);
  }
}
