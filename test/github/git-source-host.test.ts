import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSourceError, GitSourceHost } from '../../local/git-source-host.ts';

const git = (folder: string, ...args: string[]) =>
  execFileSync('git', ['-C', folder, ...args], { encoding: 'utf8' }).trim();

/** Writes files, commits them, and returns the commit's sha. */
function commit(folder: string, files: Record<string, string | null>, message: string) {
  for (const [name, text] of Object.entries(files)) {
    if (text === null) unlinkSync(path.join(folder, name));
    else writeFileSync(path.join(folder, name), text);
  }
  git(folder, 'add', '-A');
  git(
    folder,
    '-c',
    'user.name=Mona',
    '-c',
    'user.email=mona@example.com',
    'commit',
    '-qm',
    message,
  );

  return git(folder, 'rev-parse', 'HEAD');
}

describe('GitSourceHost', () => {
  let folder: string;
  let host: GitSourceHost;
  const shas: Record<string, string> = {};

  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'bakehouse-git-'));
    git(folder, 'init', '-q');
    shas.none = commit(folder, { 'README.md': 'hello\n' }, 'Start');
    shas.dotted = commit(folder, { '.appveyor.yml': 'image: Ubuntu\n' }, 'Dotted config');
    shas.both = commit(folder, { 'appveyor.yml': 'image: Ubuntu2204\n' }, 'Plain config');
    shas.moved = commit(
      folder,
      { 'appveyor.yml': null, '.appveyor.yml': null, 'appveyor.yaml': 'build: off\n' },
      'Only yaml',
    );
    host = new GitSourceHost((repository) =>
      repository === 'octo/app' ? folder : '/nowhere',
    );
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reads the config at each commit, preferring appveyor.yml, then .appveyor.yml, then appveyor.yaml', async () => {
    const found = await Promise.all(
      ['none', 'dotted', 'both', 'moved'].map((k) =>
        host.fetchConfig('octo/app', shas[k] ?? ''),
      ),
    );

    expect(found).toEqual([
      undefined,
      { path: '.appveyor.yml', text: 'image: Ubuntu\n' },
      { path: 'appveyor.yml', text: 'image: Ubuntu2204\n' },
      { path: 'appveyor.yaml', text: 'build: off\n' },
    ]);
  });

  it('passes over a folder named appveyor.yml to the next name', async () => {
    mkdirSync(path.join(folder, 'appveyor.yml'));
    const sha = commit(
      folder,
      { 'appveyor.yml/notes.txt': 'a folder\n', '.appveyor.yml': 'image: Ubuntu\n' },
      'Folder named like the config',
    );

    const found = await host.fetchConfig('octo/app', sha);

    expect(found).toEqual({ path: '.appveyor.yml', text: 'image: Ubuntu\n' });
  });

  it('lists the files changed between two commits', async () => {
    const files = await host.changedFiles(
      'octo/app',
      shas.dotted ?? '',
      shas.moved ?? '',
    );

    expect(files.sort()).toEqual(['.appveyor.yml', 'appveyor.yaml']);
  });

  it('says which commit and folder it could not read', async () => {
    const missing = 'f'.repeat(40);

    await expect(host.fetchConfig('octo/app', missing)).rejects.toThrow(GitSourceError);
    await expect(host.fetchConfig('octo/other', shas.both ?? '')).rejects.toThrow(
      /failed in \/nowhere/,
    );
  });

  it('has no pull requests', async () => {
    expect(await host.hasOpenPullRequest()).toBe(false);
    expect(await host.pullRequestFiles()).toEqual([]);
  });
});
