import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { sendPush } from '../../local/push-sender.ts';
import { gitRepository } from '../api/git-repository.ts';
import { buildScriptStarted, call, pushBuild, waitForEvents } from './support.ts';

const baking = [
  'image: Ubuntu2204',
  'environment:',
  '  APPVEYOR_BAKE_IMAGE: ops-tools',
  'install:',
  '  - echo tools > $HOME/tools.txt',
  'build_script:',
  '  - echo baked',
  '',
].join('\n');

describe('image operations and the badge on the embedded backend', () => {
  let backend: Backend;
  const versions = '/api/images/ops-tools/versions';

  beforeAll(async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-ops-images-'));
    backend = await startBackend({
      stateDir,
      logger: new Logger({ serviceName: 'bakehouse-test', logLevel: 'ERROR' }),
    });
    // Three builds of one repository, the image's owner, make versions 1 to 3.
    const repo = await gitRepository('tools', { 'appveyor.yml': baking });
    for (let bake = 0; bake < 3; bake++) {
      const answer = await sendPush(backend.url, backend.stateDir, repo.folder);
      await waitForBuild(backend.events, String(answer.body.buildId), 90_000);
    }
    await backend.idle();
  }, 300_000);
  afterAll(async () => {
    await backend?.stop();
  });

  const current = async () =>
    (await call(backend, 'GET', '/api/images/ops-tools')).body.currentVersion;

  it('refuses to delete or deprecate the current version with 409', async () => {
    const remove = await call(backend, 'DELETE', `${versions}/3`);
    const deprecate = await call(backend, 'POST', `${versions}/3/deprecate`);

    expect(remove.status).toBe(409);
    expect(remove.body.message).toBe(
      'image ops-tools version 3 is current; roll back first or use --force',
    );
    expect(deprecate.status).toBe(409);
  });

  it('rolls back to the version before the current one', async () => {
    const answer = await call(backend, 'POST', '/api/images/ops-tools/rollback');
    await backend.idle();

    expect(answer).toMatchObject({
      status: 200,
      body: { name: 'ops-tools', currentVersion: 2 },
    });
    expect(await current()).toBe(2);
  });

  it('deprecates a version that is not current, and refuses to roll back to it', async () => {
    const deprecate = await call(backend, 'POST', `${versions}/3/deprecate`);
    const rollBack = await call(backend, 'POST', '/api/images/ops-tools/rollback', {
      version: 3,
    });

    expect(deprecate).toMatchObject({ status: 200, body: { version: 3 } });
    expect(rollBack.status).toBe(409);
    expect(rollBack.body.message).toContain('is deprecated');
  });

  it('deletes a version that is not current', async () => {
    const answer = await call(backend, 'DELETE', `${versions}/3`);
    await backend.idle();

    const image = await call(backend, 'GET', '/api/images/ops-tools');
    expect(answer).toMatchObject({ status: 200, body: { version: 3, deleted: true } });
    const live = (image.body.versions as { version: number; status: string }[])
      .filter((v) => v.status !== 'deleted')
      .map((v) => v.version);
    expect(live).toEqual([1, 2]);
  });

  it('refuses to delete a version a running build uses, with 409', async () => {
    const config = 'image: ops-tools\nbuild_script:\n  - sleep 120\n';
    const buildId = await pushBuild(backend, 'uses-tools', config);
    await waitForEvents(backend, buildId, buildScriptStarted);

    const answer = await call(backend, 'DELETE', `${versions}/2?force=true`);
    await call(backend, 'POST', `/api/builds/${buildId}/cancel`);

    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe(
      'image ops-tools version 2 is used by a running build; try again when it ends',
    );
  });

  it('deletes the current version with force, the newest other becoming current', async () => {
    const answer = await call(backend, 'DELETE', `${versions}/2?force=true`);
    await backend.idle();

    expect(answer.status).toBe(200);
    expect(await current()).toBe(1);
  });

  it('answers 404 for an unknown image or version, 400 for a bad version', async () => {
    const image = await call(backend, 'POST', '/api/images/no-such-image/rollback');
    const version = await call(backend, 'POST', `${versions}/99/deprecate`);
    const bad = await call(backend, 'DELETE', `${versions}/latest`);
    const force = await call(backend, 'DELETE', `${versions}/1?force=yes`);

    expect(image.status).toBe(404);
    expect(image.body.message).toBe("image 'no-such-image' not found");
    expect(version.status).toBe(409);
    expect([bad.status, force.status]).toEqual([400, 400]);
  });

  describe('GET /badge/{owner}/{repo}.svg', () => {
    it('shows passing for a branch whose last finished build succeeded', async () => {
      const badge = await call(backend, 'GET', '/badge/local/tools.svg?branch=main');

      expect(badge.status).toBe(200);
      expect(badge.type).toBe('image/svg+xml; charset=utf-8');
      expect(badge.text).toContain('<title>build: passing</title>');
    });

    it('shows failing after a failed build, and unknown for any other branch', async () => {
      const repo = await gitRepository('breaks', {
        'appveyor.yml': 'image: Ubuntu2204\nbuild_script:\n  - exit 3\n',
      });
      const pushed = await sendPush(backend.url, backend.stateDir, repo.folder);
      await waitForBuild(backend.events, String(pushed.body.buildId), 60_000);
      await backend.idle();

      const main = await call(backend, 'GET', '/badge/local/breaks?branch=main');
      const other = await call(backend, 'GET', '/badge/local/breaks.svg?branch=dev');

      expect(main.text).toContain('build: failing');
      expect(other.text).toContain('build: unknown');
    });

    it('answers a project that does not exist as one with no build, revealing nothing', async () => {
      const missing = await call(backend, 'GET', '/badge/nobody/nothing.svg');
      const bad = await call(backend, 'GET', '/badge/..%2F/x.svg');
      const unknown = await call(backend, 'GET', '/badge/local/uses-tools.svg');

      expect(missing.text).toBe(unknown.text);
      expect(bad.text).toBe(unknown.text);
      expect(missing.text).toContain('build: unknown');
      expect(missing.text).not.toMatch(/local|nobody|01[0-9A-Z]{10}/);
    });
  });
});
