/**
 * The event store port: streams of versioned events with optimistic
 * concurrency, atomic multi-stream commits and idempotent commands. The
 * DynamoDB adapter serves AWS and DynamoDB Local alike.
 */

/** An event about to be appended. */
export interface NewEvent {
  readonly type: string;
  /** The schema version of `data`; 1 unless the catalogue says otherwise. */
  readonly schemaVersion?: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** An event as stored, with its place in its stream. */
export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  /** 1 for the first event of a stream. */
  readonly version: number;
  readonly schemaVersion: number;
  /** ISO 8601 time of the append. */
  readonly recordedAt: string;
}

/** Events for one stream, appended after `expectedVersion` (0 for a new stream). */
export interface StreamAppend {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
}

/** One decision: appends to one or more streams, committed all or nothing. */
export interface Commit {
  readonly appends: readonly StreamAppend[];
  /**
   * Makes the commit idempotent: a second commit with the same key appends
   * nothing and returns the first commit's result.
   */
  readonly idempotencyKey?: string;
  /** What a repeat of this command returns; stored with the idempotency key. */
  readonly result?: Readonly<Record<string, unknown>>;
}

/** What a commit did. */
export interface CommitOutcome {
  /** True when the idempotency key had been used: nothing was appended. */
  readonly duplicate: boolean;
  /** The result stored with the idempotency key (this commit's or the first one's). */
  readonly result?: Readonly<Record<string, unknown>>;
}

/** The event store port. */
export interface EventStore {
  /** Appends the events of one decision atomically. */
  commit(commit: Commit): Promise<CommitOutcome>;
  /** Reads a stream from `fromVersion` (default 1) to its end, in order. */
  read(streamId: string, fromVersion?: number): Promise<StoredEvent[]>;
}

/** An event store that can also tell a stream's current version. */
export interface VersionedEventStore extends EventStore {
  /** The version of a stream's last event, 0 when it has none. */
  version(streamId: string): Promise<number>;
}
