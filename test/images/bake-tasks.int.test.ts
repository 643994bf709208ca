import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalImageStore } from '../../local/image-store/store.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { recordBakeFailed, sweepBuildImages } from '../../shared/images/bake-failure.ts';
import {
  applyRetention,
  awaitImage,
  type BakeDeps,
  createImage,
  decideBake,
  registerImage,
} from '../../shared/images/bake-tasks.ts';
import { defaultImageSettings } from '../../shared/images/catalog.ts';
import type { ImageStore } from '../../shared/images/ports.ts';
import { ImageRegistry } from '../../shared/images/registry.ts';
import { freshStore, localClient } from '../events/support.ts';
import { bakedVersion } from './support.ts';

const config = [
  'image: Ubuntu2204',
  'environment:',
  '  APPVEYOR_BAKE_IMAGE: Tools-Image',
  'install:',
  '  - echo install',
].join('\n');

/** Two jobs, both baking Tools-Image. */
const matrix = [
  'image: Ubuntu2204',
  'environment:',
  '  global:',
  '    APPVEYOR_BAKE_IMAGE: Tools-Image',
  '  matrix:',
  '    - PART: a',
  '    - PART: b',
  'install:',
  '  - echo install',
].join('\n');

describe('bake tasks on DynamoDB Local and the local image store', () => {
  let client: DynamoDBClient;
  let events: DynamoDbEventStore;
  let stateFolder: string;
  let deps: BakeDeps;
  let store: LocalImageStore;
  const warnings: string[] = [];

  beforeAll(async () => {
    client = localClient();
    events = (await freshStore(client, 'bake-tasks')).store;
    stateFolder = await mkdtemp(join(tmpdir(), 'bakehouse-bake-tasks-'));
    store = new LocalImageStore({ stateFolder });
    const usage = { versionsInUse: async () => new Set<number>() };
    const silent = { info: () => {}, warn: (message: string) => warnings.push(message) };
    deps = {
      events,
      planBuild: (text, trigger) => planBuild(text, trigger, { file: 'appveyor.yml' }),
      registry: new ImageRegistry({ events, store, usage }),
      store,
      settings: defaultImageSettings,
      log: silent,
    };
  });

  afterAll(async () => {
    client.destroy();
    await rm(stateFolder, { recursive: true, force: true });
  });

  async function seedBuild(
    buildId: string,
    configText = config,
    repository = 'acme/tools',
  ): Promise<void> {
    const requested = newEvent('BuildRequested', {
      buildId,
      repository,
      sha: `sha-${buildId}`,
      ref: 'refs/heads/master',
      branch: 'master',
      commit: { message: 'Bake', author: { name: 'a', email: 'a@x' } },
      deliveryId: `d-${buildId}`,
      requestedAt: '2026-01-01T00:00:00Z',
    });
    const loaded = newEvent('ConfigLoaded', {
      configPath: 'appveyor.yml',
      configText,
      jobs: [{ jobId: '1', name: 'Ubuntu2204', image: 'Ubuntu2204' }],
      versionFormat: '1.0.{build}',
      warnings: 0,
    });
    await events.commit({
      appends: [
        {
          streamId: buildStream(buildId),
          expectedVersion: 0,
          events: [requested, loaded],
        },
      ],
    });
    const runner = join(stateFolder, 'runners', `runner-${buildId}`, 'tools');
    await mkdir(runner, { recursive: true });
    await writeFile(join(runner, 'tool'), 'installed');
  }

  const jobState = (buildId: string, jobId = '1') => ({
    buildId,
    jobId,
    image: { name: 'Ubuntu2204', platform: 'linux' as const, ref: '', base: true },
    runner: { runnerId: `runner-${buildId}` },
  });

  /** The bake deps with some store methods replaced. */
  const withStore = (replaced: Partial<ImageStore>): BakeDeps => {
    const changed = Object.assign(Object.create(store) as ImageStore, replaced);

    return {
      ...deps,
      store: changed,
      registry: new ImageRegistry({
        events,
        store: changed,
        usage: { versionsInUse: async () => new Set<number>() },
      }),
    };
  };

  const typesOf = async (buildId: string) =>
    (await events.read(buildStream(buildId))).map((e) => e.type);

  it('decides, captures, waits and registers a static bake', async () => {
    await seedBuild('b1');
    const state = jobState('b1');

    const bake = await decideBake(state, deps);
    const bakedImage = await createImage({ ...state, bake }, deps);
    await awaitImage({ ...state, bake, bakedImage }, deps);
    const registered = await registerImage({ ...state, bake, bakedImage }, deps);

    const stream = await events.read(buildStream('b1'));
    expect(bake).toEqual({ bake: true, name: 'Tools-Image' });
    expect(registered).toEqual({ name: 'Tools-Image', version: 1, ref: bakedImage.ref });
    expect(stream.map((e) => e.type)).toEqual([
      'BuildRequested',
      'ConfigLoaded',
      'BakeStarted',
      'ImageBaked',
    ]);
    expect((await deps.registry.load('tools-image'))?.current).toBe(1);
  });

  it('records a failed bake, deletes what it made and keeps the current version', async () => {
    await seedBuild('b2');
    const state = jobState('b2');
    const bake = await decideBake(state, deps);
    const bakedImage = await createImage({ ...state, bake }, deps);
    const bakeFailure = { Error: 'ImagePendingError', Cause: 'Image is still pending' };

    await recordBakeFailed({ ...state, bake, bakedImage, bakeFailure }, deps);

    const stream = await events.read(buildStream('b2'));
    expect(stream.at(-1)).toMatchObject({
      type: 'BakeFailed',
      data: { jobId: '1', imageName: 'Tools-Image', reason: 'Image is still pending' },
    });
    await expect(deps.store.state(bakedImage.ref)).resolves.toMatchObject({
      state: 'failed',
    });
    expect((await deps.registry.load('Tools-Image'))?.current).toBe(1);
  });

  it('does not bake a job with a failed phase, and says why', async () => {
    await seedBuild('b3');
    const state = { ...jobState('b3'), failure: { Error: 'PhaseFailed' } };

    const decision = await decideBake(state, deps);

    const stream = await events.read(buildStream('b3'));
    expect(decision).toEqual({
      bake: false,
      reason: 'bake of Tools-Image skipped: the job failed',
    });
    expect(stream.at(-1)).toMatchObject({ type: 'MessageAdded' });
  });

  it('records BakeFailed before it deletes what the bake half made', async () => {
    await seedBuild('f1');
    const state = jobState('f1');
    const bake = await decideBake(state, deps);
    const bakedImage = await createImage({ ...state, bake }, deps);
    let typesAtDelete: string[] = [];
    const failing = withStore({
      delete: async () => {
        typesAtDelete = await typesOf('f1');
        throw new Error('the snapshot is in use');
      },
    });
    const bakeFailure = { Error: 'ImageBakeFailedError', Cause: 'the AMI is failed' };

    await recordBakeFailed({ ...state, bake, bakedImage, bakeFailure }, failing);

    expect(typesAtDelete.at(-1)).toBe('BakeFailed');
    expect(warnings).toContain('half-made image not deleted');
  });

  it('keeps an image RegisterImage registered before it failed, and says so', async () => {
    await seedBuild('f2');
    const state = jobState('f2');
    const bake = await decideBake(state, deps);
    const bakedImage = await createImage({ ...state, bake }, deps);
    const untaggable = withStore({
      markVersion: async () => {
        throw new Error('CreateTags was throttled');
      },
    });
    const registering = registerImage({ ...state, bake, bakedImage }, untaggable);
    await expect(registering).rejects.toThrow('throttled');
    const bakeFailure = { Error: 'Error', Cause: 'CreateTags was throttled' };

    await recordBakeFailed({ ...state, bake, bakedImage, bakeFailure }, deps);

    const [failed] = (await events.read(buildStream('f2'))).filter(
      (e) => e.type === 'BakeFailed',
    );
    expect(failed?.data).toMatchObject({
      reason:
        `CreateTags was throttled; image ${bakedImage.ref} was registered as a ` +
        'version of Tools-Image before the failure and is kept',
    });
    await expect(store.state(bakedImage.ref)).resolves.toEqual({ state: 'available' });
    const image = await deps.registry.load('Tools-Image');
    expect(image?.versions.find((v) => v.version === image.current)?.ref).toBe(
      bakedImage.ref,
    );
  });

  it('records ImageBaked once when RegisterImage runs again', async () => {
    await seedBuild('f3');
    const state = jobState('f3');
    const bake = await decideBake(state, deps);
    const bakedImage = await createImage({ ...state, bake }, deps);

    const first = await registerImage({ ...state, bake, bakedImage }, deps);
    const again = await registerImage({ ...state, bake, bakedImage }, deps);

    expect(again).toEqual(first);
    expect((await typesOf('f3')).filter((t) => t === 'ImageBaked')).toHaveLength(1);
  });

  it('leaves retention to ApplyRetention, whose failure fails nothing', async () => {
    await seedBuild('f4');
    const state = jobState('f4');
    const bake = await decideBake(state, deps);
    const bakedImage = await createImage({ ...state, bake }, deps);
    const keepOne = { ...deps, settings: { ...deps.settings, keepVersions: 1 } };
    await registerImage({ ...state, bake, bakedImage }, keepOne);
    const before = await deps.registry.load('Tools-Image');
    const slow = withStore({
      delete: async () => {
        throw new Error('DeregisterImage timed out');
      },
    });

    const retention = await applyRetention(
      { ...state, bake, bakedImage },
      { ...slow, settings: keepOne.settings },
    );

    expect(before?.versions.length).toBeGreaterThan(1);
    expect(retention).toEqual({ removed: [] });
    expect(warnings).toContain('retention failed');
    const after = await deps.registry.load('Tools-Image');
    expect(after?.versions).toEqual(before?.versions);
  });

  it('sweeps the half-made images of a stopped build that the registry never registered', async () => {
    await seedBuild('s1', matrix);
    const baking = jobState('s1', '1');
    await decideBake(baking, deps);
    const halfMade = join(stateFolder, 'images', 'versions', 'tools-image', 's1-1');
    await mkdir(`${halfMade}.partial`, { recursive: true });
    const baked = jobState('s1', '2');
    const bake = await decideBake(baked, deps);
    const bakedImage = await createImage({ ...baked, bake }, deps);
    await registerImage({ ...baked, bake, bakedImage }, deps);

    const deleted = await sweepBuildImages('s1', 'bake stopped: MatrixStopped', deps);

    expect(deleted).toEqual([halfMade]);
    expect(existsSync(`${halfMade}.partial`)).toBe(false);
    expect(existsSync(bakedImage.ref)).toBe(true);
    const failures = (await events.read(buildStream('s1'))).filter(
      (e) => e.type === 'BakeFailed',
    );
    expect(failures.map((e) => e.data)).toEqual([
      { jobId: '1', imageName: 'Tools-Image', reason: 'bake stopped: MatrixStopped' },
    ]);
  });

  it('keeps an available image of a stopped bake, which RegisterImage may be registering', async () => {
    await seedBuild('s2');
    const state = jobState('s2');
    const bake = await decideBake(state, deps);
    const bakedImage = await createImage({ ...state, bake }, deps);

    const deleted = await sweepBuildImages('s2', 'bake cancelled: wrong branch', deps);

    expect(deleted).toEqual([]);
    await expect(store.state(bakedImage.ref)).resolves.toEqual({ state: 'available' });
    const [failed] = (await events.read(buildStream('s2'))).filter(
      (e) => e.type === 'BakeFailed',
    );
    expect(failed?.data).toMatchObject({
      reason:
        `bake cancelled: wrong branch; image ${bakedImage.ref} was available and is ` +
        'kept, for an operator',
    });
  });

  it('skips the bake of an image another repository owns, saying whose it is', async () => {
    await deps.registry.addVersion(bakedVersion('own0', { name: 'Owned-Image' }));
    const owned = config.replace('Tools-Image', 'owned-image');
    await seedBuild('own1', owned, 'other/app');
    await seedBuild('own2', owned, 'ACME/Tools');

    const hijack = await decideBake(jobState('own1'), deps);
    const owner = await decideBake(jobState('own2'), deps);

    expect(hijack).toEqual({
      bake: false,
      reason:
        'bake skipped: image Owned-Image belongs to acme/tools, whose build baked its ' +
        'oldest version: a build of other/app may use it but not bake it (an operator ' +
        'frees the name by deleting its versions)',
    });
    expect((await events.read(buildStream('own1'))).at(-1)?.data).toMatchObject({
      level: 'warning',
      message: hijack.bake ? '' : hijack.reason,
    });
    expect(owner).toEqual({ bake: true, name: 'owned-image' });
  });

  it('refuses to register a version for a repository the image does not belong to', async () => {
    await deps.registry.addVersion(bakedVersion('reg0', { name: 'Guarded-Image' }));

    await expect(
      deps.registry.addVersion(
        bakedVersion('reg1', { name: 'guarded-image', repository: 'other/app' }),
      ),
    ).rejects.toThrow(/image Guarded-Image belongs to acme\/tools/);
    expect((await deps.registry.load('guarded-image'))?.versions).toHaveLength(1);
  });
});
