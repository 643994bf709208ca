import { execFile } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  LocalPushError,
  pushPayload,
  readLocalCommit,
} from '../../local/push-payload.ts';
import { classifyDelivery } from '../../shared/intake/classify.ts';
import { gitRepository } from './git-repository.ts';

const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples/api.github.com/index.json',
) as { name: string; examples: Record<string, unknown>[] }[];
const githubPush = examples.find((e) => e.name === 'push')?.examples[0] ?? {};

describe('the push payload of a local commit', () => {
  it("has every key of GitHub's push example, at the top and in head_commit", async () => {
    const repo = await gitRepository('app', { 'appveyor.yml': 'build: off\n' });

    const payload = pushPayload(
      'local/app',
      await readLocalCommit(repo.folder),
    ) as Record<string, Record<string, unknown>>;

    const keys = (value: unknown) => Object.keys(value as object).sort();
    expect(keys(payload)).toEqual(expect.arrayContaining(keys(githubPush)));
    expect(keys(payload.head_commit)).toEqual(keys(githubPush.head_commit));
  });

  it('classifies as a build of the branch head, its files and its author', async () => {
    const repo = await gitRepository('app', {
      'appveyor.yml': 'build: off\n',
      'a.txt': 'a',
    });

    const commit = await readLocalCommit(repo.folder, 'main');
    const classified = classifyDelivery('push', pushPayload('local/app', commit));

    expect(classified).toMatchObject({
      kind: 'build',
      request: {
        repository: 'local/app',
        sha: repo.sha,
        branch: 'main',
        changedFiles: ['a.txt', 'appveyor.yml'],
        commit: { author: { name: 'Ada Lovelace', email: 'ada@example.com' } },
      },
    });
  });

  it('refuses a folder inside a repository, naming the repository to build', async () => {
    const repo = await gitRepository('app', { 'appveyor.yml': 'build: off\n' });
    const inner = path.join(repo.folder, 'examples', 'tool');
    await mkdir(inner, { recursive: true });

    const reading = readLocalCommit(inner);

    await expect(reading).rejects.toBeInstanceOf(LocalPushError);
    await expect(reading).rejects.toThrow(
      `${inner} is not the top folder of a git repository: it lies inside ${repo.folder}`,
    );
  });

  it('refuses a folder that does not exist, naming it', async () => {
    const missing = path.join(tmpdir(), 'bakehouse-no-such-repository');

    await expect(readLocalCommit(missing)).rejects.toThrow(
      `There is no folder ${missing}`,
    );
  });
});

describe('a folder that git cannot push from', () => {
  it('refuses a folder outside any repository, saying to make it one', async () => {
    const plain = await mkdtemp(path.join(tmpdir(), 'bakehouse-plain-'));

    await expect(readLocalCommit(plain)).rejects.toThrow(
      `${plain} is not a git repository: make it one (git init, git add, git commit)`,
    );
  });

  it('refuses a repository with no commit yet, naming its branch', async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), 'bakehouse-fresh-'));
    await promisify(execFile)('git', ['-C', fresh, 'init', '-q', '-b', 'main']);

    await expect(readLocalCommit(fresh)).rejects.toThrow(
      `${fresh} has no commit on its branch 'main' yet: commit first`,
    );
  });
});
