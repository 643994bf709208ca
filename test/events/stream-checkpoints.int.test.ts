import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fileCheckpoints } from '../../local/stream-checkpoints.ts';
import { startStreamPoller } from '../../local/stream-poller.ts';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { freshStore, localClient } from './support.ts';

const stream = buildStream('01CHECKPOINTS');
const message = (text: string) =>
  newEvent('MessageAdded', { level: 'information', message: text });

describe('the local stream poller started again with its checkpoints', () => {
  let client: DynamoDBClient;
  let store: DynamoDbEventStore;
  let streamArn: string;
  let file: string;

  /** Runs a poller until it has handled what is there; returns the versions it saw. */
  async function pollOnce(): Promise<number[]> {
    const seen: number[] = [];
    const poller = startStreamPoller({
      endpoint: inject('ddbEndpoint'),
      streamArn,
      checkpoints: fileCheckpoints(file),
      handler: async (event: DynamoDBStreamEvent) => {
        for (const record of event.Records) {
          const image = record.dynamodb?.NewImage;
          if (image?.stream?.S === stream) seen.push(Number(image.version?.N));
        }
        return { batchItemFailures: [] };
      },
    });
    await poller.drain();
    await poller.stop();

    return seen;
  }

  beforeAll(async () => {
    client = localClient();
    let names: { events: string };
    ({ store, names } = await freshStore(client, 'checkpoints'));
    const table = await client.send(
      new DescribeTableCommand({ TableName: names.events }),
    );
    streamArn = table.Table?.LatestStreamArn ?? '';
    file = join(
      await mkdtemp(join(tmpdir(), 'bakehouse-checkpoints-')),
      'checkpoints.json',
    );
  });
  afterAll(() => client.destroy());

  it('hands the handlers only the records written since it stopped', async () => {
    await store.commit({
      appends: [
        { streamId: stream, expectedVersion: 0, events: [message('a'), message('b')] },
      ],
    });
    const first = await pollOnce();
    await store.commit({
      appends: [{ streamId: stream, expectedVersion: 2, events: [message('c')] }],
    });

    const second = await pollOnce();

    expect(first).toEqual([1, 2]);
    expect(second).toEqual([3]);
  });

  it('starts from the oldest record when its checkpoint is unknown to the stream', async () => {
    fileCheckpoints(file).save({ 'shardId-00000000000000000000-unknown': '1' });

    const again = await pollOnce();

    expect(again).toEqual([1, 2, 3]);
  });
});
