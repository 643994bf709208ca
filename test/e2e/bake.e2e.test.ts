import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../../local/backend.ts';
import type { ImageSettings } from '../../shared/images/catalog.ts';
import { createProject, dataOf, pushAndWait } from './bake-builds.ts';

/** A config that writes `text` to $HOME/tools/<file> and bakes `image` when set. */
function toolConfig(options: { file: string; text: string; image?: string }): string {
  const bake = options.image
    ? `environment:\n  APPVEYOR_BAKE_IMAGE: ${options.image}\n`
    : '';

  return [
    'version: 1.0.{build}',
    'image: Ubuntu2204',
    `${bake}install:`,
    `  - sh: mkdir -p $HOME/tools && echo ${options.text} > $HOME/tools/${options.file}`,
    'build: off',
    '',
  ].join('\n');
}

/** A config on `image` whose test checks a file that image installed. */
function consumerConfig(image: string, check: string): string {
  return `version: 1.0.{build}\nimage: ${image}\nbuild: off\ntest_script:\n  - sh: ${check}\n`;
}

/**
 * The bake end to end: signed pushes over HTTP to the embedded backend, the
 * synthesized state machine on the local orchestrator, local runners and the
 * local image store, one backend for the whole file.
 */
describe('the bake through the embedded backend', () => {
  let backend: Backend;

  beforeAll(async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-bake-'));
    backend = await startBackend({
      stateDir,
      logger: new Logger({ serviceName: 'bakehouse-bake-e2e', logLevel: 'ERROR' }),
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await rm(backend.stateDir, { recursive: true, force: true });
  });

  it('bakes a static APPVEYOR_BAKE_IMAGE as version 1, current', async () => {
    const project = await createProject(backend, 'static', {
      'appveyor.yml': toolConfig({
        file: 'static.txt',
        text: 'v1',
        image: 'Bake-Static',
      }),
    });

    const build = await pushAndWait(backend, project);

    expect(dataOf(build, 'BakeStarted').map((e) => e.imageName)).toEqual(['Bake-Static']);
    expect(dataOf(build, 'ImageBaked')).toMatchObject([
      { imageName: 'Bake-Static', version: 1, parent: { name: 'Ubuntu2204' } },
    ]);
    expect(dataOf(build, 'BuildFinished')).toEqual([{ status: 'success' }]);
    const image = await backend.pipeline.images.registry.load('bake-static');
    expect(image).toMatchObject({ name: 'Bake-Static', current: 1 });
    expect(await backend.queries.getImage('Bake-Static')).toMatchObject({
      currentVersion: 1,
    });
  });

  it('lets a second project write the name in another case and find the installed files', async () => {
    const baker = await createProject(backend, 'shared-tools', {
      'appveyor.yml': toolConfig({
        file: 'shared.txt',
        text: 'ok',
        image: 'Shared-Tools',
      }),
    });
    await pushAndWait(backend, baker);
    const consumer = await createProject(backend, 'shared-consumer', {
      'appveyor.yml': consumerConfig(
        'SHARED-TOOLS',
        'grep -qx ok $HOME/tools/shared.txt',
      ),
    });

    const build = await pushAndWait(backend, consumer);

    expect(dataOf(build, 'RunnerLaunched')).toMatchObject([
      { image: { name: 'Shared-Tools', version: 1 } },
    ]);
    expect(dataOf(build, 'PhaseFinished')).toContainEqual(
      expect.objectContaining({ phase: 'test_script', outcome: 'success' }),
    );
    expect(dataOf(build, 'BuildFinished')).toEqual([{ status: 'success' }]);
  });

  it('bakes the name after_build sets with appveyor SetVariable, on master only', async () => {
    const setOnMaster =
      'if [ "$APPVEYOR_REPO_BRANCH" = master ]; then ' +
      'appveyor SetVariable -Name APPVEYOR_BAKE_IMAGE -Value bake-dynamic; fi';
    const project = await createProject(backend, 'dynamic', {
      'appveyor.yml': `${toolConfig({ file: 'dynamic.txt', text: 'x' })}after_build:\n  - sh: ${setOnMaster}\n`,
    });
    await project.branch('feature');

    const [onMaster, onFeature] = await Promise.all([
      pushAndWait(backend, project, 'master'),
      pushAndWait(backend, project, 'feature'),
    ]);

    expect(dataOf(onMaster, 'ImageBaked')).toMatchObject([
      { imageName: 'bake-dynamic', version: 1 },
    ]);
    expect(dataOf(onFeature, 'BuildFinished')).toEqual([{ status: 'success' }]);
    expect(dataOf(onFeature, 'BakeStarted')).toEqual([]);
    expect(dataOf(onFeature, 'ImageBaked')).toEqual([]);
    const image = await backend.pipeline.images.registry.load('bake-dynamic');
    expect(image?.versions.map((v) => v.version)).toEqual([1]);
  });

  it('does not bake a failing job and says why', async () => {
    const project = await createProject(backend, 'failing', {
      'appveyor.yml': `${toolConfig({ file: 'failing.txt', text: 'x', image: 'bake-failing' })}test_script:\n  - sh: exit 3\n`,
    });

    const build = await pushAndWait(backend, project);

    expect(dataOf(build, 'BuildFinished')).toEqual([{ status: 'failed' }]);
    expect(dataOf(build, 'BakeStarted')).toEqual([]);
    expect(dataOf(build, 'ImageBaked')).toEqual([]);
    expect(dataOf(build, 'MessageAdded').map((m) => m.message)).toContain(
      'bake of bake-failing skipped: the job failed',
    );
    expect(await backend.pipeline.images.registry.load('bake-failing')).toBeUndefined();
  });

  it('fails the job when the capture fails midway and leaves the previous version current', async () => {
    const project = await createProject(backend, 'midway', {
      'appveyor.yml': toolConfig({
        file: 'midway.txt',
        text: 'v1',
        image: 'bake-midway',
      }),
    });
    await pushAndWait(backend, project);
    const store = backend.pipeline.images.store;
    const capture = store.capture;
    let halfMade = '';
    store.capture = async (request) => {
      store.capture = capture;
      halfMade = await capture.call(store, request);
      throw new Error(`the disk went away after writing ${halfMade}`);
    };

    const build = await pushAndWait(backend, project).finally(() => {
      store.capture = capture;
    });

    const [failed] = dataOf(build, 'BakeFailed');
    expect(failed).toMatchObject({ imageName: 'bake-midway' });
    expect(failed?.reason).toContain('the disk went away');
    expect(dataOf(build, 'ImageBaked')).toEqual([]);
    expect(dataOf(build, 'JobFinished')).toMatchObject([{ status: 'failed' }]);
    expect(dataOf(build, 'BuildFinished')).toEqual([{ status: 'failed' }]);
    const image = await backend.pipeline.images.registry.load('bake-midway');
    expect(image?.current).toBe(1);
    expect(image?.versions.map((v) => v.version)).toEqual([1]);
    expect(halfMade).not.toBe('');
    expect(existsSync(halfMade)).toBe(false);
  });

  it('starts a build from the earlier version after a rollback', async () => {
    const baker = await createProject(backend, 'rollback', {
      'appveyor.yml': toolConfig({ file: 'rb.txt', text: 'one', image: 'bake-rollback' }),
    });
    await pushAndWait(backend, baker);
    await baker.change(
      {
        'appveyor.yml': toolConfig({
          file: 'rb.txt',
          text: 'two',
          image: 'bake-rollback',
        }),
      },
      'Install version two',
    );
    await pushAndWait(backend, baker);
    const consumer = await createProject(backend, 'rollback-consumer', {
      'appveyor.yml': consumerConfig('bake-rollback', 'grep -qx one $HOME/tools/rb.txt'),
    });

    const current = await backend.pipeline.images.registry.rollBack('bake-rollback');
    const build = await pushAndWait(backend, consumer);

    expect(current).toBe(1);
    expect(dataOf(build, 'RunnerLaunched')).toMatchObject([
      { image: { name: 'bake-rollback', version: 1 } },
    ]);
    expect(dataOf(build, 'BuildFinished')).toEqual([{ status: 'success' }]);
    expect(await backend.queries.getImage('bake-rollback')).toMatchObject({
      currentVersion: 1,
    });
  });

  it('keeps the newest N versions of a name, the current one among them', async () => {
    const bake = backend.pipeline.deps.bake as { settings: ImageSettings };
    const settings = bake.settings;
    bake.settings = { ...settings, keepVersions: 2 };
    const project = await createProject(backend, 'retention', {
      'appveyor.yml': toolConfig({ file: 'r.txt', text: 'r', image: 'bake-retention' }),
    });

    const builds = [];
    try {
      for (let i = 0; i < 3; i++) builds.push(await pushAndWait(backend, project));
    } finally {
      bake.settings = settings;
    }

    const refs = builds.map((b) => dataOf(b, 'ImageBaked')[0]?.ref ?? '');
    expect(builds.map((b) => dataOf(b, 'ImageBaked')[0]?.version)).toEqual([1, 2, 3]);
    const image = await backend.pipeline.images.registry.load('bake-retention');
    expect(image?.versions.map((v) => v.version)).toEqual([2, 3]);
    expect(image?.current).toBe(3);
    expect(refs.map((ref) => existsSync(ref))).toEqual([false, true, true]);
    const view = await backend.queries.getImage('bake-retention');
    expect(view?.currentVersion).toBe(3);
  });
});
