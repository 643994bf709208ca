/**
 * Turns a commit into the items of one DynamoDB write, checking it against
 * DynamoDB's transaction limits first: a decision is written whole or refused.
 */
import { CommitTooLargeError, EventTooLargeError, InvalidCommitError } from './errors.ts';
import { encodeEvent, encodeIdempotency, type Item, itemSize } from './event-item.ts';
import type { Commit } from './store.ts';

/** The most items one TransactWriteItems takes, bookkeeping items included. */
export const maxTransactionItems = 100;
/** The most bytes one TransactWriteItems takes. */
export const maxTransactionBytes = 4 * 1024 * 1024;
/** The largest DynamoDB item. */
export const maxItemBytes = 400 * 1024;

/** One event item to write, and the stream version its writer expected. */
export interface PlannedEvent {
  readonly item: Item;
  readonly streamId: string;
  readonly expectedVersion: number;
}

/** The items of a commit, checked against the limits. */
export interface PlannedCommit {
  readonly events: readonly PlannedEvent[];
  readonly idempotency?: { readonly key: string; readonly item: Item };
}

/** Plans a commit recorded at `recordedAt`; throws a typed error when it cannot be written. */
export function planCommit(commit: Commit, recordedAt: string): PlannedCommit {
  const events: PlannedEvent[] = [];
  const seen = new Set<string>();
  for (const append of commit.appends) {
    const { streamId, expectedVersion } = append;
    if (seen.has(streamId)) {
      throw new InvalidCommitError(`Stream '${streamId}' appears twice in one commit`);
    }
    seen.add(streamId);
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new InvalidCommitError(
        `Expected version ${expectedVersion} of stream '${streamId}' is not a whole number ≥ 0`,
      );
    }
    if (append.events.length === 0) {
      throw new InvalidCommitError(`The append to stream '${streamId}' has no events`);
    }
    append.events.forEach((event, index) => {
      const version = expectedVersion + index + 1;
      const item = encodeEvent(streamId, version, event, recordedAt);
      const bytes = itemSize(item);
      if (bytes > maxItemBytes)
        throw new EventTooLargeError(streamId, version, event.type, bytes);
      events.push({ item, streamId, expectedVersion });
    });
  }
  if (events.length === 0)
    throw new InvalidCommitError('A commit needs at least one event');
  const idempotency =
    commit.idempotencyKey === undefined
      ? undefined
      : {
          key: commit.idempotencyKey,
          item: encodeIdempotency(commit.idempotencyKey, commit.result, recordedAt),
        };
  assertWithinTransaction([
    ...events.map((e) => e.item),
    ...(idempotency ? [idempotency.item] : []),
  ]);

  return { events, ...(idempotency && { idempotency }) };
}

function assertWithinTransaction(items: readonly Item[]): void {
  const bytes = items.reduce((sum, item) => sum + itemSize(item), 0);
  if (items.length > maxTransactionItems) {
    throw new CommitTooLargeError(
      items.length,
      bytes,
      `DynamoDB's ${maxTransactionItems} items per transaction`,
    );
  }
  if (bytes > maxTransactionBytes) {
    throw new CommitTooLargeError(items.length, bytes, "DynamoDB's 4 MB per transaction");
  }
}
