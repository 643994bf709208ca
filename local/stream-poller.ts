/**
 * Feeds the projector handler locally: polls the events table's stream on
 * DynamoDB Local (DescribeStream, GetShardIterator, GetRecords) and hands
 * each batch to the same handler the Lambda runs.
 */
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamBatchHandler } from '../functions/projector.ts';
import { localCredentials } from './dynamodb-local.ts';

/** Where the poller reads and what it feeds. */
export interface StreamPollerOptions {
  readonly endpoint: string;
  /** The events table's LatestStreamArn. */
  readonly streamArn: string;
  readonly handler: StreamBatchHandler;
  /** Pause when a poll found nothing, in ms. Default 25. */
  readonly idleMs?: number;
  /** Deliveries of a failing batch before it is given up. Default 3. */
  readonly maxAttempts?: number;
  /** Called with the records given up: the local dead-letter destination. */
  readonly onGiveUp?: (records: readonly DynamoDBRecord[], error: unknown) => void;
  /**
   * Where the poller keeps the last record it handled of each shard, as an
   * event source mapping does, so that a restart goes on after it instead of
   * handing every record to the handlers again. Default: kept in memory.
   */
  readonly checkpoints?: StreamCheckpoints;
}

/** The last sequence number handled, per shard id, kept across restarts. */
export interface StreamCheckpoints {
  load(): Readonly<Record<string, string>>;
  save(positions: Readonly<Record<string, string>>): void;
}

/** A running poller. */
export interface StreamPoller {
  /** Resolves once every record written before the call has been handled. */
  drain(): Promise<void>;
  /** Stops polling and waits for the batch in hand. */
  stop(): Promise<void>;
}

/** Starts polling the stream after its checkpoints, else from its oldest record. */
export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const client = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: localCredentials,
  });
  const iterators = new Map<string, string | undefined>();
  /** The sequence number of the last record handled, per shard. */
  const positions = new Map(Object.entries(options.checkpoints?.load() ?? {}));
  const getRecords = (iterator: string) =>
    client.send(new GetRecordsCommand({ ShardIterator: iterator }));
  const iteratorOf = async (shardId: string): Promise<string | undefined> => {
    const after = positions.get(shardId);
    const start = (
      position:
        | { ShardIteratorType: 'TRIM_HORIZON' }
        | { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER'; SequenceNumber: string },
    ) =>
      client.send(
        new GetShardIteratorCommand({
          StreamArn: options.streamArn,
          ShardId: shardId,
          ...position,
        }),
      );
    if (!after) return (await start({ ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
    try {
      const position = { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const };

      return (await start({ ...position, SequenceNumber: after })).ShardIterator;
    } catch (error) {
      // A checkpoint past the stream's retention: start from what is left.
      if (!isLostIterator(error) && !isBadPosition(error)) throw error;

      return (await start({ ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
    }
  };
  let running = true;
  let cycle = 0;
  let idleCycle = -1;
  const waiters: { after: number; resolve: () => void; reject: (e: unknown) => void }[] =
    [];
  let failure: unknown;

  const poll = async (): Promise<void> => {
    const shards = await client.send(
      new DescribeStreamCommand({ StreamArn: options.streamArn }),
    );
    for (const shard of shards.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      iterators.set(shard.ShardId, await iteratorOf(shard.ShardId));
    }
    let handled = 0;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      let page: Awaited<ReturnType<typeof getRecords>>;
      try {
        page = await getRecords(iterator);
      } catch (error) {
        // DynamoDB Local expires and trims iterators of a persisted table:
        // start again after the last record handled, never from scratch.
        if (!isLostIterator(error)) throw error;
        iterators.set(shardId, await iteratorOf(shardId));
        continue;
      }
      const records = (page.Records ?? []).map(lambdaRecord);
      if (records.length > 0) await deliver(records);
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        positions.set(shardId, last);
        options.checkpoints?.save(Object.fromEntries(positions));
      }
      handled += records.length;
      iterators.set(shardId, page.NextShardIterator);
    }
    cycle += 1;
    if (handled === 0) idleCycle = cycle;
  };

  // As Lambda does with ReportBatchItemFailures: the records before the
  // first one reported failed are done; the rest are delivered again.
  const deliver = async (batch: DynamoDBRecord[]): Promise<void> => {
    const attempts = options.maxAttempts ?? 3;
    let records = batch;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const answer = await options.handler({ Records: records } as DynamoDBStreamEvent);
        if (answer.batchItemFailures.length === 0) return;
        last = answer.batchItemFailures;
        records = records.slice(firstFailed(records, answer.batchItemFailures));
      } catch (error) {
        last = error;
      }
    }
    options.onGiveUp?.(records, last);
  };

  const loop = (async () => {
    while (running) {
      try {
        const before = idleCycle;
        await poll();
        for (const waiter of waiters.splice(0)) {
          // A poll that started after the call, and found nothing, proves it.
          if (idleCycle > waiter.after + 1) waiter.resolve();
          else waiters.push(waiter);
        }
        if (idleCycle !== before) await sleep(options.idleMs ?? 25);
      } catch (error) {
        failure = error;
        for (const waiter of waiters.splice(0)) waiter.reject(error);
        await sleep(500);
      }
    }
  })();

  return {
    drain: () =>
      new Promise<void>((resolve, reject) => {
        if (!running) reject(new Error('The stream poller is stopped'));
        else waiters.push({ after: cycle, resolve, reject });
      }),
    stop: async () => {
      running = false;
      await loop;
      client.destroy();
      for (const waiter of waiters.splice(0)) {
        waiter.reject(failure ?? new Error('The stream poller stopped before draining'));
      }
    },
  };
}

/** The index of the earliest record a handler reported failed (0 when none matches). */
function firstFailed(
  records: readonly DynamoDBRecord[],
  failures: readonly { itemIdentifier: string }[],
): number {
  const failed = new Set(failures.map((f) => f.itemIdentifier));
  const index = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));

  return Math.max(index, 0);
}

/** A Streams API record in the shape Lambda hands to a handler. */
function lambdaRecord(record: _Record): DynamoDBRecord {
  return { ...record, eventSource: 'aws:dynamodb' } as DynamoDBRecord;
}

/** True for the errors after which a shard is read again from a new iterator. */
function isLostIterator(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;

  return name === 'TrimmedDataAccessException' || name === 'ExpiredIteratorException';
}

/** True when a shard or sequence number of a checkpoint is no longer known. */
function isBadPosition(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;

  return name === 'ResourceNotFoundException' || name === 'ValidationException';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
