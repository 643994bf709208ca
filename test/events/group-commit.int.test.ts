import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { StreamVersionConflictError } from '../../shared/events/errors.ts';
import type { Commit, NewEvent } from '../../shared/events/store.ts';
import { freshTables, localClient } from './support.ts';

const message = (text: string): NewEvent =>
  newEvent('MessageAdded', { level: 'information', message: text });

/** A commit of two messages to a new stream, idempotent under `key`. */
function requested(stream: string, key: string): Commit {
  return {
    appends: [
      {
        streamId: buildStream(stream),
        expectedVersion: 0,
        events: [message('a'), message('b')],
      },
    ],
    idempotencyKey: key,
    result: { stream },
  };
}

describe('group commit on DynamoDB Local', () => {
  let client: DynamoDBClient;
  let store: DynamoDbEventStore;
  /** TransactWriteItems calls the store made. */
  let transactions = 0;

  beforeAll(async () => {
    client = localClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') transactions += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countTransactions' },
    );
    const names = await freshTables(client, 'group-commit');
    store = new DynamoDbEventStore({
      client,
      tableName: names.events,
      groupCommits: { inFlight: 1 },
    });
  });
  afterAll(() => client.destroy());

  it('writes 60 commits that arrive together in a few transactions, each whole', async () => {
    const before = transactions;
    const streams = Array.from({ length: 60 }, (_, n) => `grouped-${n}`);

    const outcomes = await Promise.all(
      streams.map((s) => store.commit(requested(s, `delivery-${s}`))),
    );

    expect(outcomes).toEqual(
      streams.map((stream) => ({ duplicate: false, result: { stream } })),
    );
    const read = await Promise.all(streams.map((s) => store.read(buildStream(s))));
    expect(read.map((events) => events.map((e) => e.version))).toEqual(
      streams.map(() => [1, 2]),
    );
    // The first goes alone; those that waited behind it go 33 at most (100 items) at a time.
    expect(transactions - before).toBeLessThanOrEqual(4);
  });

  it('answers a duplicate in a group with the first result, and writes the others', async () => {
    await store.commit(requested('first', 'delivery-seen'));

    const [lone, repeat, other] = await Promise.all([
      store.commit(requested('lone', 'delivery-lone')),
      store.commit(requested('repeat', 'delivery-seen')),
      store.commit(requested('other', 'delivery-other')),
    ]);

    expect(lone).toEqual({ duplicate: false, result: { stream: 'lone' } });
    expect(repeat).toEqual({ duplicate: true, result: { stream: 'first' } });
    expect(other).toEqual({ duplicate: false, result: { stream: 'other' } });
    expect(await store.read(buildStream('repeat'))).toEqual([]);
    expect(await store.read(buildStream('other'))).toHaveLength(2);
  });

  it('never groups two commits of one stream: the second meets a version conflict', async () => {
    const stream = buildStream('contested');
    const append = (text: string): Commit => ({
      appends: [{ streamId: stream, expectedVersion: 0, events: [message(text)] }],
      idempotencyKey: `contested-${text}`,
    });

    const settled = await Promise.allSettled([
      store.commit(requested('ahead', 'delivery-ahead')),
      store.commit(append('x')),
      store.commit(append('y')),
    ]);

    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const rejected = settled[2];
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(
      StreamVersionConflictError,
    );
    expect((await store.read(stream)).map((e) => e.data)).toEqual([
      { level: 'information', message: 'x' },
    ]);
  });

  it('gives one idempotency key sent twice at once one write and one duplicate', async () => {
    const [a, b] = await Promise.all([
      store.commit(requested('twice', 'delivery-twice')),
      store.commit(requested('twice', 'delivery-twice')),
    ]);

    expect([a?.duplicate, b?.duplicate].sort()).toEqual([false, true]);
    expect(await store.read(buildStream('twice'))).toHaveLength(2);
  });
});
