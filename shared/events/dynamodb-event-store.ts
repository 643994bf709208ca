/**
 * The event store on DynamoDB (and DynamoDB Local): one item per event, a
 * conditional write per event for optimistic concurrency, one transaction per
 * multi-item commit, idempotency items in the same table and transaction;
 * optionally, commits that wait together go in one transaction (group commit).
 *
 * A transaction also checks that the event at each expected version exists,
 * so an expected version ahead of its stream is refused. A single event is
 * one conditional PutItem, the cheapest write: it refuses a stale expected
 * version but cannot see one ahead, which only a writer that did not read the
 * stream could pass. Every writer of Bakehouse takes its expected version
 * from a read of the stream, which only grows.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { StreamKind } from './catalogue/streams.ts';
import { CommitGroups } from './commit-groups.ts';
import { type PlannedCommit, planCommit } from './commit-plan.ts';
import { IdempotencyInProgressError, StreamVersionConflictError } from './errors.ts';
import { decodeEvent, type Item, idempotencyStream } from './event-item.ts';
import type { Commit, CommitOutcome, StoredEvent, VersionedEventStore } from './store.ts';
import { streamsByKindIndex } from './tables.ts';

/** Where the store lives. */
export interface DynamoDbEventStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The clock that stamps `recordedAt`; the system clock by default. */
  readonly clock?: () => Date;
  /**
   * Writes the transactions that wait while others are in flight together
   * (see `commit-groups.ts`), this many in flight at once. For a process
   * that commits many decisions at once on DynamoDB Local, which runs
   * transactions one at a time; a Lambda, one request at a time, gains nothing.
   */
  readonly groupCommits?: { readonly inFlight: number };
}

/** A stream found by {@link DynamoDbEventStore.listStreams}. */
export interface StreamListing {
  readonly streamId: string;
  /** When its first event was recorded. */
  readonly createdAt: string;
}

/** Which streams {@link DynamoDbEventStore.listStreams} returns. */
export interface ListStreamsOptions {
  /** Only streams created at or after this ISO 8601 time. */
  readonly since?: string;
  /** At most this many, newest first; all when omitted. */
  readonly limit?: number;
}

const versionCondition = 'attribute_not_exists(#version)';

/** The EventStore port on a DynamoDB table shaped as in `tables.ts`. */
export class DynamoDbEventStore implements VersionedEventStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #clock: () => Date;
  readonly #groups: CommitGroups<CommitOutcome> | undefined;

  constructor(options: DynamoDbEventStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#clock = options.clock ?? (() => new Date());
    this.#groups =
      options.groupCommits &&
      new CommitGroups({
        inFlight: options.groupCommits.inFlight,
        writeGroup: async (plans) => {
          await this.#client.send(
            new TransactWriteItemsCommand({
              TransactItems: plans.flatMap((plan) => this.#transactItems(plan)),
            }),
          );
        },
      });
  }

  /** Appends the events of one decision atomically; see the port. */
  async commit(commit: Commit): Promise<CommitOutcome> {
    const plan = planCommit(commit, this.#clock().toISOString());
    const [single] = plan.events;
    if (plan.events.length === 1 && single && !plan.idempotency) {
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: single.item,
            ConditionExpression: versionCondition,
            ExpressionAttributeNames: { '#version': 'version' },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        throw await this.#conflict(single.streamId, single.expectedVersion);
      }

      return { duplicate: false };
    }

    if (!this.#groups) return this.#transact(plan, commit.result);
    const { result } = commit;

    return this.#groups.submit(plan, () => this.#transact(plan, result), {
      duplicate: false,
      ...(result && { result }),
    });
  }

  /** Reads a stream from `fromVersion` (default 1) to its end, in order. */
  async read(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    const items = await this.#queryAll({
      TableName: this.#table,
      ConsistentRead: true,
      KeyConditionExpression: '#stream = :stream AND #version >= :from',
      ExpressionAttributeNames: { '#stream': 'stream', '#version': 'version' },
      ExpressionAttributeValues: {
        ':stream': { S: streamId },
        ':from': { N: String(fromVersion) },
      },
    });

    return items.flatMap((item) => decodeEvent(item) ?? []);
  }

  /** The version of a stream's last event, 0 for a stream with none (consistent read). */
  async version(streamId: string): Promise<number> {
    const answer = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        ConsistentRead: true,
        KeyConditionExpression: '#stream = :stream AND #version > :zero',
        ExpressionAttributeNames: { '#stream': 'stream', '#version': 'version' },
        ExpressionAttributeValues: { ':stream': { S: streamId }, ':zero': { N: '0' } },
        ScanIndexForward: false,
        Limit: 1,
        ProjectionExpression: '#version',
      }),
    );

    return Number(answer.Items?.[0]?.version?.N ?? '0');
  }

  /**
   * Lists the streams of a kind, newest first, by the time of their first
   * event. The index behind it is eventually consistent: a stream created a
   * moment ago may be missing.
   */
  async listStreams(
    kind: StreamKind,
    options: ListStreamsOptions = {},
  ): Promise<StreamListing[]> {
    const since = options.since !== undefined;
    const items = await this.#queryAll(
      {
        TableName: this.#table,
        IndexName: streamsByKindIndex,
        KeyConditionExpression: `#kind = :kind${since ? ' AND #at >= :since' : ''}`,
        ExpressionAttributeNames: {
          '#kind': 'streamKind',
          ...(since && { '#at': 'recordedAt' }),
        },
        ExpressionAttributeValues: {
          ':kind': { S: kind },
          ...(since && { ':since': { S: options.since ?? '' } }),
        },
        ScanIndexForward: false,
      },
      options.limit,
    );

    return items.map((item) => ({
      streamId: item.stream?.S ?? '',
      createdAt: item.recordedAt?.S ?? '',
    }));
  }

  /**
   * Reads every event of the table with a parallel consistent scan, in no
   * particular order; replay sorts them. Bookkeeping items are left out.
   */
  async scanAll(segments = 4): Promise<StoredEvent[]> {
    const parts = await Promise.all(
      Array.from({ length: segments }, async (_, segment) => {
        const events: StoredEvent[] = [];
        let start: Item | undefined;
        do {
          const page = await this.#client.send(
            new ScanCommand({
              TableName: this.#table,
              ConsistentRead: true,
              Segment: segment,
              TotalSegments: segments,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of page.Items ?? []) {
            const event = decodeEvent(item);
            if (event) events.push(event);
          }
          start = page.LastEvaluatedKey;
        } while (start);

        return events;
      }),
    );

    return parts.flat();
  }

  /** The items of a plan's transaction: its events, its idempotency item, its checks. */
  #transactItems(plan: PlannedCommit): TransactWriteItem[] {
    const puts = plan.events.map(({ item }) => ({
      Put: {
        TableName: this.#table,
        Item: item,
        ConditionExpression: versionCondition,
        ExpressionAttributeNames: { '#version': 'version' },
      },
    }));
    const idempotency = plan.idempotency && {
      Put: {
        TableName: this.#table,
        Item: plan.idempotency.item,
        ConditionExpression: 'attribute_not_exists(#stream)',
        ExpressionAttributeNames: { '#stream': 'stream' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
    const checks = plan.checks.map(({ streamId, expectedVersion }) => ({
      ConditionCheck: {
        TableName: this.#table,
        Key: { stream: { S: streamId }, version: { N: String(expectedVersion) } },
        ConditionExpression: 'attribute_exists(#version)',
        ExpressionAttributeNames: { '#version': 'version' },
      },
    }));

    return [...puts, ...(idempotency ? [idempotency] : []), ...checks];
  }

  async #transact(plan: PlannedCommit, result: Commit['result']): Promise<CommitOutcome> {
    try {
      await this.#client.send(
        new TransactWriteItemsCommand({ TransactItems: this.#transactItems(plan) }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      return this.#cancelled(plan, error);
    }

    return { duplicate: false, ...(result && { result }) };
  }

  async #cancelled(
    plan: PlannedCommit,
    error: TransactionCanceledException,
  ): Promise<CommitOutcome> {
    const reasons = error.CancellationReasons ?? [];
    const key = plan.idempotency?.key;
    const keyReason = reasons[plan.events.length];
    if (key !== undefined && keyReason?.Code === 'ConditionalCheckFailed') {
      const stored = keyReason.Item ?? (await this.#idempotencyItem(key));
      return { duplicate: true, result: JSON.parse(stored?.result?.S ?? '{}') };
    }
    if (key !== undefined && keyReason?.Code === 'TransactionConflict') {
      throw new IdempotencyInProgressError(key);
    }
    const failed = reasons.findIndex(
      (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
    );
    const firstCheck = plan.events.length + (plan.idempotency ? 1 : 0);
    const conflicted = plan.events[failed] ?? plan.checks[failed - firstCheck];
    if (!conflicted) throw error;

    throw await this.#conflict(conflicted.streamId, conflicted.expectedVersion);
  }

  async #idempotencyItem(key: string): Promise<Item | undefined> {
    const answer = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        ConsistentRead: true,
        Key: { stream: { S: idempotencyStream(key) }, version: { N: '0' } },
      }),
    );

    return answer.Item;
  }

  async #conflict(
    streamId: string,
    expected: number,
  ): Promise<StreamVersionConflictError> {
    return new StreamVersionConflictError(
      streamId,
      expected,
      await this.version(streamId),
    );
  }

  async #queryAll(input: QueryCommandInput, limit?: number): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          ...input,
          ExclusiveStartKey: start,
          ...(limit !== undefined && { Limit: limit - items.length }),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || items.length < limit));

    return items;
  }
}
