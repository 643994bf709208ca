/**
 * The live projector: brings the views of one stream up to the stream's
 * head. It re-reads the stream from the last applied version, so repeated,
 * out-of-order and missing stream records all end in the same views.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { EventStore } from '../events/store.ts';
import {
  foldStream,
  type Projection,
  projectionFor,
  stateOf,
  viewItemsOf,
} from './projections.ts';
import type { ViewItem } from './view-keys.ts';

/** Where the projector reads events and writes views. */
export interface ViewProjectorOptions {
  readonly store: Pick<EventStore, 'read'>;
  readonly client: DynamoDBDocumentClient;
  readonly viewsTable: string;
  /** Attempts when another projector moves the same view at the same time. Default 5. */
  readonly maxAttempts?: number;
}

/** Raised when a stream's views could not be written within the attempts allowed. */
export class ProjectionContentionError extends Error {
  override readonly name = 'ProjectionContentionError';
}

/** Keeps the views of streams up to date; safe to run on repeated or stale records. */
export class ViewProjector {
  readonly #options: ViewProjectorOptions;

  constructor(options: ViewProjectorOptions) {
    this.#options = options;
  }

  /**
   * Applies the events of `streamId` up to its head, when its views stand
   * below `version`; a no-op for a record already applied.
   */
  async catchUp(streamId: string, version: number): Promise<void> {
    const projection = projectionFor(streamId);
    if (!projection) return;
    const attempts = this.#options.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (await this.#tryCatchUp(projection, streamId, version)) return;
    }
    throw new ProjectionContentionError(
      `The views of stream '${streamId}' moved under ${attempts} attempts to update them`,
    );
  }

  /** True when done; false when another writer moved the primary item first. */
  async #tryCatchUp(projection: Projection, streamId: string, version: number) {
    const { client, viewsTable, store } = this.#options;
    const stored = await client.send(
      new GetCommand({
        TableName: viewsTable,
        Key: projection.primaryKey(streamId),
        ConsistentRead: true,
      }),
    );
    const applied = Number(stored.Item?.streamVersion ?? 0);
    if (version <= applied) return true;
    const events = await store.read(streamId, applied + 1);
    const head = events.at(-1)?.version ?? applied;
    const before = stored.Item && stateOf<object>(stored.Item);
    const state = foldStream(projection, before, events);
    // Nothing this code can show yet (unknown events only): nothing to write.
    if (!state || head === applied) return true;

    const items = viewItemsOf(projection, streamId, state, head);
    const known = new Set(
      before ? projection.derive(before).immutable.map((i) => `${i.pk}|${i.sk}`) : [],
    );
    await Promise.all([
      ...items.owned.map((item) => this.#put(item, 'streamVersion < :version', head)),
      ...items.immutable
        .filter((item) => !known.has(`${item.pk}|${item.sk}`))
        .map((item) => this.#put(item, 'attribute_not_exists(pk)')),
      ...items.latest.map((item) =>
        this.#put(
          item,
          '#order < :order OR (#order = :order AND streamVersion < :version)',
          head,
          item.order,
        ),
      ),
    ]);

    return this.#putPrimary(items.primary, applied);
  }

  async #putPrimary(item: ViewItem, applied: number): Promise<boolean> {
    try {
      await this.#options.client.send(
        new PutCommand({
          TableName: this.#options.viewsTable,
          Item: item,
          ConditionExpression:
            applied === 0 ? 'attribute_not_exists(pk)' : 'streamVersion = :applied',
          ...(applied > 0 && { ExpressionAttributeValues: { ':applied': applied } }),
        }),
      );

      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Writes a derived item unless a newer one is there; a stale write is a no-op. */
  async #put(item: ViewItem, condition: string, version?: number, order?: string) {
    const input: PutCommandInput = {
      TableName: this.#options.viewsTable,
      Item: item,
      ConditionExpression:
        condition === 'attribute_not_exists(pk)'
          ? condition
          : `attribute_not_exists(pk) OR ${condition}`,
      ...(version !== undefined && {
        ExpressionAttributeValues: {
          ':version': version,
          ...(order !== undefined && { ':order': order }),
        },
      }),
      ...(order !== undefined && { ExpressionAttributeNames: { '#order': 'order' } }),
    };
    try {
      await this.#options.client.send(new PutCommand(input));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
