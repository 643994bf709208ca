import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateBuildNumber } from '../../shared/builds/build-numbers.ts';
import { projectStream } from '../../shared/events/catalogue.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { freshStore, localClient } from './support.ts';

describe('allocateBuildNumber', () => {
  let client: DynamoDBClient;
  let store: DynamoDbEventStore;

  beforeAll(async () => {
    client = localClient();
    ({ store } = await freshStore(client, 'numbers'));
  });
  afterAll(() => client.destroy());

  it('gives 50 concurrent builds exactly the numbers 1 to 50', async () => {
    const buildIds = Array.from({ length: 50 }, (_, i) => `build-${i}`);

    const numbers = await Promise.all(
      buildIds.map((id) => allocateBuildNumber(store, 'Acme/Busy', id)),
    );

    expect([...numbers].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const events = await store.read(projectStream('Acme/Busy'));
    expect(events.map((e) => e.data.number)).toEqual(events.map((e) => e.version));
  });

  it('gives a build asked twice the number it already has', async () => {
    const first = await allocateBuildNumber(store, 'Acme/Retry', 'b1');
    const again = await allocateBuildNumber(store, 'Acme/Retry', 'b1');
    const next = await allocateBuildNumber(store, 'acme/retry', 'b2');

    expect([first, again, next]).toEqual([1, 1, 2]);
  });
});
