/**
 * Rebuilds every view from the events: clears the views table, reads every
 * stream, folds it with the same projections the live projector uses, and
 * writes the result. Stop the live projectors while it runs.
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StoredEvent } from '../events/store.ts';
import { foldStream, projectionFor, viewItemsOf } from './projections.ts';
import type { ViewItem } from './view-keys.ts';

/** What replay reads from and writes to. */
export interface ReplayOptions {
  /** Every stored event, in any order (the DynamoDB store's `scanAll`). */
  readonly readAll: () => Promise<StoredEvent[]>;
  readonly client: DynamoDBDocumentClient;
  readonly viewsTable: string;
}

/** What a replay did. */
export interface ReplaySummary {
  readonly streams: number;
  readonly events: number;
  readonly viewItems: number;
}

/** Clears the views table and rebuilds every view from the events. */
export async function replayViews(options: ReplayOptions): Promise<ReplaySummary> {
  await clearViews(options.client, options.viewsTable);
  const events = await options.readAll();
  const streams = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  }

  const items: ViewItem[] = [];
  const latest = new Map<string, ViewItem & { order: string; streamVersion: number }>();
  for (const [streamId, stream] of streams) {
    const projection = projectionFor(streamId);
    if (!projection) continue;
    stream.sort((a, b) => a.version - b.version);
    const state = foldStream(projection, undefined, stream);
    if (!state) continue;
    const head = stream.at(-1)?.version ?? 0;
    const view = viewItemsOf(projection, streamId, state, head);
    items.push(view.primary, ...view.owned, ...view.immutable);
    for (const item of view.latest) {
      const key = `${item.pk}|${item.sk}`;
      const held = latest.get(key);
      const newer =
        !held ||
        held.order < item.order ||
        (held.order === item.order && held.streamVersion < head);
      if (newer) latest.set(key, { ...item, streamVersion: head });
    }
  }
  items.push(...latest.values());
  await writeAll(
    options.client,
    options.viewsTable,
    items.map((item) => ({ PutRequest: { Item: item } })),
  );

  return { streams: streams.size, events: events.length, viewItems: items.length };
}

/** Deletes every item of the views table. */
export async function clearViews(
  client: DynamoDBDocumentClient,
  viewsTable: string,
): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: viewsTable,
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: start,
      }),
    );
    const deletes = (page.Items ?? []).map((key) => ({ DeleteRequest: { Key: key } }));
    await writeAll(client, viewsTable, deletes);
    start = page.LastEvaluatedKey;
  } while (start);
}

type WriteRequest = NonNullable<
  NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]
>[number];

async function writeAll(
  client: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  const workers = Array.from({ length: 8 }, async () => {
    for (let batch = batches.pop(); batch; batch = batches.pop()) {
      let pending: WriteRequest[] = batch;
      while (pending.length > 0) {
        const answer = await client.send(
          new BatchWriteCommand({ RequestItems: { [table]: pending } }),
        );
        pending = answer.UnprocessedItems?.[table] ?? [];
      }
    }
  });
  await Promise.all(workers);
}
