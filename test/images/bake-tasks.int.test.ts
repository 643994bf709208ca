import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalImageStore } from '../../local/image-store/store.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import {
  awaitImage,
  type BakeDeps,
  createImage,
  decideBake,
  recordBakeFailed,
  registerImage,
} from '../../shared/images/bake-tasks.ts';
import { defaultImageSettings } from '../../shared/images/catalog.ts';
import { ImageRegistry } from '../../shared/images/registry.ts';
import { freshStore, localClient } from '../events/support.ts';

const config = [
  'image: Ubuntu2204',
  'environment:',
  '  APPVEYOR_BAKE_IMAGE: Tools-Image',
  'install:',
  '  - echo install',
].join('\n');

describe('bake tasks on DynamoDB Local and the local image store', () => {
  let client: DynamoDBClient;
  let events: DynamoDbEventStore;
  let stateFolder: string;
  let deps: BakeDeps;

  beforeAll(async () => {
    client = localClient();
    events = (await freshStore(client, 'bake-tasks')).store;
    stateFolder = await mkdtemp(join(tmpdir(), 'bakehouse-bake-tasks-'));
    const store = new LocalImageStore({ stateFolder });
    const usage = { versionsInUse: async () => new Set<number>() };
    const silent = { info: () => {}, warn: () => {} };
    deps = {
      events,
      planBuild: (text, trigger) => planBuild(text, trigger, { file: 'appveyor.yml' }),
      registry: new ImageRegistry({ events, store, usage }),
      store,
      settings: defaultImageSettings,
      wait: { timeoutMs: 1_000, intervalMs: 10 },
      log: silent,
    };
  });

  afterAll(async () => {
    client.destroy();
    await rm(stateFolder, { recursive: true, force: true });
  });

  async function seedBuild(buildId: string): Promise<void> {
    const requested = newEvent('BuildRequested', {
      buildId,
      repository: 'acme/tools',
      sha: `sha-${buildId}`,
      ref: 'refs/heads/master',
      branch: 'master',
      commit: { message: 'Bake', author: { name: 'a', email: 'a@x' } },
      deliveryId: `d-${buildId}`,
      requestedAt: '2026-01-01T00:00:00Z',
    });
    const loaded = newEvent('ConfigLoaded', {
      configPath: 'appveyor.yml',
      configText: config,
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

  const jobState = (buildId: string) => ({
    buildId,
    jobId: '1',
    image: { name: 'Ubuntu2204', platform: 'linux' as const, ref: '', base: true },
    runner: { runnerId: `runner-${buildId}` },
  });

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
});
