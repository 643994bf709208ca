import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStream, imageStream, newEvent } from '../../shared/events/catalogue.ts';
import { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import {
  CommitTooLargeError,
  IdempotencyInProgressError,
  StreamVersionConflictError,
} from '../../shared/events/errors.ts';
import type { NewEvent } from '../../shared/events/store.ts';
import { freshStore, localClient } from './support.ts';

const message = (text: string): NewEvent =>
  newEvent('MessageAdded', { level: 'information', message: text });

describe('DynamoDbEventStore', () => {
  let client: DynamoDBClient;
  let store: DynamoDbEventStore;
  let names: { events: string };

  beforeAll(async () => {
    client = localClient();
    ({ store, names } = await freshStore(client, 'store'));
  });
  afterAll(() => client.destroy());

  it('reads back what it appended, in order, from any version', async () => {
    const stream = buildStream('read-back');
    await store.commit({
      appends: [{ streamId: stream, expectedVersion: 0, events: [message('a')] }],
    });
    await store.commit({
      appends: [
        { streamId: stream, expectedVersion: 1, events: [message('b'), message('c')] },
      ],
    });

    const all = await store.read(stream);
    const tail = await store.read(stream, 3);

    expect(all.map((e) => [e.version, e.data.message])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(tail.map((e) => e.version)).toEqual([3]);
  });

  it('lets exactly one of 20 concurrent writers take each version', async () => {
    const stream = buildStream('contended');
    let conflicts = 0;
    const writer = async (id: number): Promise<void> => {
      for (;;) {
        const expected = await store.version(stream);
        try {
          await store.commit({
            appends: [
              {
                streamId: stream,
                expectedVersion: expected,
                events: [message(`w${id}`)],
              },
            ],
          });
          return;
        } catch (error) {
          if (!(error instanceof StreamVersionConflictError)) throw error;
          expect(error.streamId).toBe(stream);
          expect(error.actualVersion).toBeGreaterThan(error.expectedVersion);
          conflicts += 1;
        }
      }
    };

    await Promise.all(Array.from({ length: 20 }, (_, id) => writer(id)));

    const events = await store.read(stream);
    expect(events.map((e) => e.version)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(new Set(events.map((e) => e.data.message)).size).toBe(20);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('refuses a stale expected version with the stream and both versions', async () => {
    const stream = buildStream('stale');
    await store.commit({
      appends: [
        { streamId: stream, expectedVersion: 0, events: [message('a'), message('b')] },
      ],
    });

    const stale = store.commit({
      appends: [{ streamId: stream, expectedVersion: 1, events: [message('late')] }],
    });

    await expect(stale).rejects.toMatchObject({
      name: 'StreamVersionConflictError',
      streamId: stream,
      expectedVersion: 1,
      actualVersion: 2,
    });
  });

  it('commits appends to several streams all or nothing', async () => {
    const fresh = buildStream('multi-fresh');
    const taken = buildStream('multi-taken');
    await store.commit({
      appends: [{ streamId: taken, expectedVersion: 0, events: [message('x')] }],
    });

    const commit = store.commit({
      appends: [
        { streamId: fresh, expectedVersion: 0, events: [message('a')] },
        { streamId: taken, expectedVersion: 0, events: [message('b')] },
      ],
    });

    await expect(commit).rejects.toMatchObject({ streamId: taken, actualVersion: 1 });
    expect(await store.read(fresh)).toEqual([]);
  });

  it('refuses a commit whose expected version is ahead of its stream, leaving no gap', async () => {
    const short = buildStream('ahead-of-stream');
    await store.commit({
      appends: [{ streamId: short, expectedVersion: 0, events: [message('one')] }],
    });

    const ahead = store.commit({
      appends: [
        { streamId: short, expectedVersion: 3, events: [message('a'), message('b')] },
      ],
    });

    await expect(ahead).rejects.toBeInstanceOf(StreamVersionConflictError);
    await expect(ahead).rejects.toMatchObject({
      streamId: short,
      expectedVersion: 3,
      actualVersion: 1,
    });
    expect((await store.read(short)).map((e) => e.version)).toEqual([1]);
  });

  it('commits 99 events and an idempotency item, and refuses one event more', async () => {
    const events = Array.from({ length: 99 }, (_, i) => message(`e${i}`));
    const atLimit = buildStream('at-limit');
    const overLimit = buildStream('over-limit');

    await store.commit({
      appends: [{ streamId: atLimit, expectedVersion: 0, events }],
      idempotencyKey: 'limit-1',
    });
    const over = store.commit({
      appends: [
        {
          streamId: overLimit,
          expectedVersion: 0,
          events: [...events, message('one more')],
        },
      ],
      idempotencyKey: 'limit-2',
    });

    await expect(over).rejects.toBeInstanceOf(CommitTooLargeError);
    expect(await store.read(atLimit)).toHaveLength(99);
    expect(await store.read(overLimit)).toEqual([]);
  });

  it('commits close to 4 MB and refuses a commit over it', async () => {
    const big = (i: number) => message(`${i}`.padEnd(380 * 1024, 'x'));
    const nearLimit = buildStream('near-4mb');
    const overLimit = buildStream('over-4mb');

    await store.commit({
      appends: [
        {
          streamId: nearLimit,
          expectedVersion: 0,
          events: Array.from({ length: 10 }, (_, i) => big(i)),
        },
      ],
    });
    const over = store.commit({
      appends: [
        {
          streamId: overLimit,
          expectedVersion: 0,
          events: Array.from({ length: 11 }, (_, i) => big(i)),
        },
      ],
    });

    await expect(over).rejects.toThrow(/4 MB/);
    expect(await store.read(nearLimit)).toHaveLength(10);
  });

  it('appends nothing for a repeated idempotency key and returns the first result', async () => {
    const stream = buildStream('idempotent');
    const commit = (result: Record<string, unknown>) =>
      store.commit({
        appends: [{ streamId: stream, expectedVersion: 0, events: [message('once')] }],
        idempotencyKey: 'delivery-42',
        result,
      });

    const first = await commit({ buildId: 'first' });
    const repeat = await commit({ buildId: 'second' });

    expect(first).toEqual({ duplicate: false, result: { buildId: 'first' } });
    expect(repeat).toEqual({ duplicate: true, result: { buildId: 'first' } });
    expect(await store.read(stream)).toHaveLength(1);
  });

  it('lets one of 20 concurrent commits of a key append, and the rest learn of it', async () => {
    const commit = (n: number) =>
      store
        .commit({
          appends: [
            {
              streamId: buildStream(`twin-${n}`),
              expectedVersion: 0,
              events: [message('x')],
            },
          ],
          idempotencyKey: 'delivery-twins',
          result: { buildId: `twin-${n}`, input: { n } },
        })
        .catch((error: unknown) => {
          if (error instanceof IdempotencyInProgressError) return 'in progress' as const;
          throw error;
        });

    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => commit(n)));

    const appended = outcomes.flatMap((o) =>
      o !== 'in progress' && !o.duplicate ? o : [],
    );
    const winner = appended[0]?.result;
    const streams = await Promise.all(
      Array.from({ length: 20 }, (_, n) => store.read(buildStream(`twin-${n}`))),
    );
    const told = outcomes.flatMap((o) => (o === 'in progress' ? [] : [o.result]));
    expect(appended).toHaveLength(1);
    expect(streams.flat()).toHaveLength(1);
    expect(told).toEqual(told.map(() => winner));
  });

  it('lists the streams of a kind since a time, newest first, up to a limit', async () => {
    let now = Date.parse('2031-01-01T00:00:00.000Z');
    const clocked = new DynamoDbEventStore({
      client,
      tableName: names.events,
      clock: () => new Date(now),
    });
    for (const name of ['since-a', 'since-b', 'since-c']) {
      now += 60_000;
      await clocked.commit({
        appends: [
          { streamId: imageStream(name), expectedVersion: 0, events: [message(name)] },
        ],
      });
    }

    const since = await clocked.listStreams('image', {
      since: '2031-01-01T00:01:30.000Z',
    });
    const newest = await clocked.listStreams('image', { limit: 1 });

    expect(since.map((s) => s.streamId)).toEqual([
      imageStream('since-c'),
      imageStream('since-b'),
    ]);
    expect(newest.map((s) => s.streamId)).toEqual([imageStream('since-c')]);
  });

  it('lists the streams of a kind newest first', async () => {
    const streams = await store.listStreams('build');

    expect(streams.map((s) => s.streamId)).toContain(buildStream('read-back'));
    const times = streams.map((s) => s.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });
});
