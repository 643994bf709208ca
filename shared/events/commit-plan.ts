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
  /**
   * The appends whose expected version is past 0: in a transaction, each
   * gets a check that the event at that version exists, so an expected
   * version ahead of its stream is a conflict, never a gap.
   */
  readonly checks: readonly {
    readonly streamId: string;
    readonly expectedVersion: number;
  }[];
  /** Its items in a transaction (written items and checks) and their bytes. */
  readonly size: TransactionSize;
}

/** What a commit takes of a transaction's limits. */
export interface TransactionSize {
  readonly items: number;
  readonly bytes: number;
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
  const checks = commit.appends
    .filter((a) => a.expectedVersion > 0)
    .map(({ streamId, expectedVersion }) => ({ streamId, expectedVersion }));
  const size = assertWithinTransaction(
    [...events.map((e) => e.item), ...(idempotency ? [idempotency.item] : [])],
    checks.length,
  );

  return { events, ...(idempotency && { idempotency }), checks, size };
}

/** Checks the written items and the condition checks (which carry no item) together. */
function assertWithinTransaction(
  items: readonly Item[],
  checks: number,
): TransactionSize {
  const bytes = items.reduce((sum, item) => sum + itemSize(item), 0);
  const count = items.length + checks;
  if (count > maxTransactionItems) {
    throw new CommitTooLargeError(
      count,
      bytes,
      `DynamoDB's ${maxTransactionItems} items per transaction`,
    );
  }
  if (bytes > maxTransactionBytes) {
    throw new CommitTooLargeError(items.length, bytes, "DynamoDB's 4 MB per transaction");
  }

  return { items: count, bytes };
}
