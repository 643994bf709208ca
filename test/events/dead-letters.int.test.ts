import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deadLetterFile, keepDeadLetters } from '../../local/dead-letters.ts';
import { startStreamPoller } from '../../local/stream-poller.ts';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { projectRecords } from '../../shared/views/stream-records.ts';
import { freshStore, localClient } from './support.ts';

const poison = buildStream('01POISON');
const healthy = buildStream('01HEALTHY');
const message = (text: string) =>
  newEvent('MessageAdded', { level: 'information', message: text });

describe('stream records a projector keeps failing, on DynamoDB Local', () => {
  let client: DynamoDBClient;
  let store: DynamoDbEventStore;
  let file: string;
  const projected: string[] = [];
  const attempts: number[] = [];

  beforeAll(async () => {
    client = localClient();
    let names: { events: string };
    ({ store, names } = await freshStore(client, 'dead-letters'));
    file = deadLetterFile(await mkdtemp(join(tmpdir(), 'bakehouse-dlq-')));
    const table = await client.send(
      new DescribeTableCommand({ TableName: names.events }),
    );
    // A projector that cannot fold the poisoned stream, and folds any other.
    const projector = {
      catchUp: async (streamId: string) => {
        if (streamId === poison) throw new Error(`cannot fold ${streamId}`);
        projected.push(streamId);
      },
    };
    const poller = startStreamPoller({
      endpoint: inject('ddbEndpoint'),
      streamArn: table.Table?.LatestStreamArn ?? '',
      maxAttempts: 3,
      handler: (event: DynamoDBStreamEvent) => {
        attempts.push(event.Records.length);
        return projectRecords(event.Records, projector);
      },
      onGiveUp: (records, error) => keepDeadLetters(file, records, error),
    });
    await store.commit({
      appends: [{ streamId: poison, expectedVersion: 0, events: [message('bad')] }],
    });
    await store.commit({
      appends: [{ streamId: healthy, expectedVersion: 0, events: [message('good')] }],
    });
    await poller.drain();
    await store.commit({
      appends: [{ streamId: healthy, expectedVersion: 1, events: [message('later')] }],
    });
    await poller.drain();
    await poller.stop();
  });
  afterAll(() => client.destroy());

  it('answers with the failing stream first record, for Lambda to retry from it', async () => {
    const records = [poison, healthy].map(
      (stream, i): DynamoDBRecord => ({
        eventName: 'INSERT',
        dynamodb: {
          SequenceNumber: `${i + 1}00`,
          NewImage: { stream: { S: stream }, version: { N: '1' }, type: { S: 'X' } },
        },
      }),
    );
    const failing = {
      catchUp: async (streamId: string) => {
        if (streamId === poison) throw new Error('no');
      },
    };

    const answer = await projectRecords(records, failing);

    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: '100' }]);
  });

  it('gives a record up after its attempts, to the dead-letter file, with why', () => {
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const streams = lines.map((l) => l.record.dynamodb.NewImage.stream.S);

    expect(streams[0]).toBe(poison);
    expect(lines[0].reason).toContain('the handler reported it failed on every attempt');
    expect(attempts.length).toBeGreaterThanOrEqual(3);
  });

  it('does not block the shard: later records are projected', () => {
    expect(projected.filter((s) => s === healthy).length).toBeGreaterThanOrEqual(2);
  });
});
