import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { build } from '../../bin/build.ts';
import { GitSourceHost } from '../../local/git-source-host.ts';
import { type LocalHttpServer, startHttpServer } from '../../local/http-server.ts';
import { localRepositoryFolder } from '../../local/local-repositories.ts';
import { buildStream } from '../../shared/events/catalogue.ts';
import { localClient } from '../events/support.ts';
import { type LocalIntake, localIntake } from '../webhook/intake-wiring.ts';
import { testSecret } from '../webhook/support.ts';
import { runCommand } from './capture.ts';
import { gitRepository } from './git-repository.ts';

describe('bakehouse build', () => {
  let client: DynamoDBClient;
  let intake: LocalIntake;
  let server: LocalHttpServer;
  let stateDir: string;
  const config = 'build_script:\n  - echo built\n';

  beforeAll(async () => {
    client = localClient();
    intake = await localIntake(client, 'cli-build');
    server = await startHttpServer({ routes: { 'POST /webhook': intake.route } });
  });
  afterEach(() => vi.unstubAllEnvs());
  afterAll(async () => {
    await server.stop();
    client.destroy();
  });
  const useState = async (secret: string) => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'bakehouse-state-'));
    vi.stubEnv('BAKEHOUSE_STATE_DIR', stateDir);
    vi.stubEnv('BAKEHOUSE_WEBHOOK_SECRET', secret);
  };

  it('sends a signed push that intake verifies and records as a build request', async () => {
    await useState(testSecret);
    const repo = await gitRepository('app', { 'appveyor.yml': config });

    const { code, stdout } = await runCommand(build, [
      repo.folder,
      '--endpoint',
      server.url,
    ]);

    const buildId = /^Build (\S+) requested: local\/app main (\w{7})\n$/.exec(
      stdout,
    )?.[1];
    expect(code).toBe(0);
    expect(buildId).toBeDefined();
    const [requested] = await intake.store.read(buildStream(buildId ?? ''));
    expect(requested?.data).toMatchObject({
      repository: 'local/app',
      sha: repo.sha,
      ref: 'refs/heads/main',
      branch: 'main',
      commit: {
        message: 'Add the build config\n\nWith a body.',
        author: { name: 'Ada Lovelace', email: 'ada@example.com' },
      },
      changedFiles: ['appveyor.yml'],
    });
    expect(intake.orchestrator.started.has(buildId ?? '')).toBe(true);
  });

  it('names the repository so that the local source host finds its config', async () => {
    await useState(testSecret);
    const repo = await gitRepository('tools', { 'appveyor.yml': config });
    const host = new GitSourceHost((name) => localRepositoryFolder(stateDir, name));

    const { stdout } = await runCommand(build, [
      repo.folder,
      '--json',
      '--endpoint',
      server.url,
    ]);

    const { repository, branch, sha } = JSON.parse(stdout);
    expect(repository).toBe('local/tools');
    // What the text line says too: the branch and the commit pushed.
    expect({ branch, sha }).toEqual({ branch: 'main', sha: repo.sha });
    expect(await realpath(localRepositoryFolder(stateDir, repository))).toBe(
      await realpath(repo.folder),
    );
    expect(await host.fetchConfig(repository, repo.sha)).toEqual({
      path: 'appveyor.yml',
      text: config,
    });
  });

  it('gives a second folder of the same name a name of its own', async () => {
    await useState(testSecret);
    const first = await gitRepository('app', { 'appveyor.yml': config });
    const second = await gitRepository('app', { 'appveyor.yml': config });
    const name = async (folder: string) =>
      JSON.parse(
        (await runCommand(build, [folder, '--json', '--endpoint', server.url])).stdout,
      ).repository;

    expect([await name(first.folder), await name(second.folder)]).toEqual([
      'local/app',
      'local/app-2',
    ]);
    expect(await name(first.folder)).toBe('local/app');
  });

  it('exits 1 and says why when the backend refuses the signature', async () => {
    await useState('not-the-backend-secret');
    const repo = await gitRepository('app', { 'appveyor.yml': config });

    const { code, stdout, stderr } = await runCommand(build, [
      repo.folder,
      '--endpoint',
      server.url,
    ]);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'bakehouse build: the backend answered 401: X-Hub-Signature-256',
    );
    expect(stderr).toContain('refused the signature');
  });

  it('exits 1 naming the branch it cannot find', async () => {
    await useState(testSecret);
    const repo = await gitRepository('app', { 'appveyor.yml': config });

    const { code, stderr } = await runCommand(build, [
      repo.folder,
      '--branch',
      'nope',
      '--endpoint',
      server.url,
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain(`has no branch 'nope'`);
  });
});
