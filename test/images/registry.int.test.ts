import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import type { ImageStore } from '../../shared/images/ports.ts';
import { ImageRegistry } from '../../shared/images/registry.ts';
import { freshStore, localClient } from '../events/support.ts';
import { bakedVersion } from './support.ts';

/** An image store that records what was deleted, and fails the deletes asked to. */
function recordingStore(): ImageStore & { deleted: string[]; failing: Set<string> } {
  const deleted: string[] = [];
  const failing = new Set<string>();

  return {
    deleted,
    failing,
    capture: async () => 'unused',
    find: async () => undefined,
    findByBuild: async () => [],
    state: async () => ({ state: 'available' }),
    markVersion: async () => {},
    delete: async (ref) => {
      if (failing.has(ref)) throw new Error(`snapshot of ${ref} is in use`);
      deleted.push(ref);
    },
  };
}

describe('ImageRegistry on DynamoDB Local', () => {
  let client: DynamoDBClient;
  let events: DynamoDbEventStore;

  beforeAll(async () => {
    client = localClient();
    events = (await freshStore(client, 'images')).store;
  });

  afterAll(() => client.destroy());

  function registry(inUse: number[] = []) {
    const store = recordingStore();
    const usage = { versionsInUse: async () => new Set(inUse) };

    return { store, registry: new ImageRegistry({ events, store, usage }) };
  }

  it('registers concurrent bakes of one name as distinct versions, the last current', async () => {
    const { registry: images } = registry();

    const versions = await Promise.all(
      ['c1', 'c2', 'c3'].map((id) =>
        images.addVersion(bakedVersion(id, { name: 'Conc' })),
      ),
    );
    const state = await images.load('CONC');

    expect([...versions].sort()).toEqual([1, 2, 3]);
    expect(state?.versions).toHaveLength(3);
    expect(state?.current).toBe(state?.lastVersion);
  });

  it('returns the first version when a bake registers twice', async () => {
    const { registry: images } = registry();

    const first = await images.addVersion(bakedVersion('r1', { name: 'Retried' }));
    const again = await images.addVersion(bakedVersion('r1', { name: 'Retried' }));

    expect(again).toBe(first);
    expect((await images.load('retried'))?.versions).toHaveLength(1);
  });

  it('rolls back, then deletes a version and its stored image', async () => {
    const { registry: images, store } = registry();
    for (const id of ['d1', 'd2'])
      await images.addVersion(bakedVersion(id, { name: 'Del' }));

    await images.rollBack('del');
    await images.deleteVersion('DEL', 2);
    const state = await images.load('del');

    expect(state?.current).toBe(1);
    expect(state?.versions.map((v) => v.version)).toEqual([1]);
    expect(store.deleted).toEqual(['ami-d2']);
  });

  it('keeps a version whose image could not be deleted, and deletes both on a repeat', async () => {
    const { registry: images, store } = registry();
    for (const id of ['f1', 'f2'])
      await images.addVersion(bakedVersion(id, { name: 'Flaky' }));
    store.failing.add('ami-f1');

    await expect(images.deleteVersion('flaky', 1)).rejects.toThrow('in use');
    const kept = await images.load('flaky');
    store.failing.clear();
    await images.deleteVersion('flaky', 1);

    expect(kept?.versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await images.load('flaky'))?.versions.map((v) => v.version)).toEqual([2]);
    expect(store.deleted).toEqual(['ami-f1']);
  });

  it('refuses to delete a version in use, and keeps its image', async () => {
    const { registry: images, store } = registry([1]);
    for (const id of ['u1', 'u2'])
      await images.addVersion(bakedVersion(id, { name: 'Used' }));

    await expect(images.deleteVersion('used', 1)).rejects.toThrow(/running build/);
    expect(store.deleted).toEqual([]);
  });

  it('applies retention keeping the newest N, sparing versions in use', async () => {
    const { registry: images, store } = registry([2]);
    for (const id of ['k1', 'k2', 'k3', 'k4', 'k5']) {
      await images.addVersion(bakedVersion(id, { name: 'Keep' }));
    }

    const deleted = await images.applyRetention('keep', 3);
    const state = await images.load('keep');

    expect(deleted).toEqual([1]);
    expect(store.deleted).toEqual(['ami-k1']);
    expect(state?.versions.map((v) => v.version)).toEqual([2, 3, 4, 5]);
  });
});
