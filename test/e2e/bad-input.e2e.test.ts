import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../../local/backend.ts';
import { createProject, dataOf, pushAndWait } from './bake-builds.ts';

/**
 * Bad input reaches the user as a clear error, in the build's own record,
 * and no runner is left behind: a broken appveyor.yml, an unknown image, an
 * image that cannot run on this host.
 */
describe('builds of bad input through the embedded backend', () => {
  let backend: Backend;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-bad-input-'));
    backend = await startBackend({
      stateDir,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    });
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("fails a broken appveyor.yml with AppVeyor's located error and no runner", async () => {
    const project = await createProject(backend, 'broken-yaml', {
      'appveyor.yml': 'image: Ubuntu2204\ninstall:\n  - echo one\n install: twice\n',
    });

    const build = await pushAndWait(backend, project);

    const [rejected] = dataOf(build, 'ConfigRejected');
    expect(rejected?.errors[0]?.message).toMatch(/^Error parsing appveyor\.yml: .+/);
    expect(rejected?.errors[0]?.line).toBeGreaterThan(0);
    expect(dataOf(build, 'RunnerLaunched')).toEqual([]);
    expect(dataOf(build, 'BuildFinished')).toEqual([{ status: 'failed' }]);
  });

  it('fails a job whose image is unknown with "Build worker image not found"', async () => {
    const project = await createProject(backend, 'unknown-image', {
      'appveyor.yml': 'image: Ubuntu1404\nbuild_script:\n  - echo never\n',
    });

    const build = await pushAndWait(backend, project);

    const messages = dataOf(build, 'MessageAdded').map((m) => m.message);
    // AppVeyor's own words, as the whole message.
    expect(messages).toContain('Build worker image not found: Ubuntu1404');
    expect(dataOf(build, 'RunnerLaunched')).toEqual([]);
    expect(dataOf(build, 'JobFinished')).toMatchObject([{ status: 'failed' }]);
    const view = await backend.queries.getBuild(build.buildId);
    expect(view?.messages.map((m) => m.message)).toContain(
      'Build worker image not found: Ubuntu1404',
    );
  });

  it('says a Windows image cannot run locally, and leaves no runner', async () => {
    const project = await createProject(backend, 'windows-image', {
      'appveyor.yml': 'image: Visual Studio 2022\nbuild_script:\n  - echo never\n',
    });

    const build = await pushAndWait(backend, project);

    const messages = dataOf(build, 'MessageAdded').map((m) => m.message);
    expect(messages.join('\n')).toMatch(/Windows runners cannot run locally/);
    expect(dataOf(build, 'BuildFinished')).toEqual([{ status: 'failed' }]);
    expect(backend.pipeline.fleet.runnerIds()).toEqual([]);
  });
});
