/** Raised when a stream moved on since the writer read it; reload and decide again. */
export class StreamVersionConflictError extends Error {
  override readonly name = 'StreamVersionConflictError';

  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `Stream '${streamId}' is at version ${actualVersion}, ` +
        `but the commit expected version ${expectedVersion}`,
    );
  }
}

/**
 * Raised when a commit exceeds one DynamoDB transaction (100 items, 4 MB,
 * idempotency item included). It is refused whole, never split.
 */
export class CommitTooLargeError extends Error {
  override readonly name = 'CommitTooLargeError';

  constructor(
    readonly items: number,
    readonly bytes: number,
    limit: string,
  ) {
    super(
      `A commit of ${items} items and ${bytes} bytes exceeds ${limit}; ` +
        'split the decision into smaller ones or store large data elsewhere',
    );
  }
}

/** Raised when one event is too large for a DynamoDB item (400 KB). */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';

  constructor(streamId: string, version: number, type: string, bytes: number) {
    super(
      `Event ${type} at version ${version} of stream '${streamId}' takes ` +
        `${bytes} bytes, over DynamoDB's 400 KB item limit; store logs and ` +
        'large documents elsewhere and keep a pointer in the event',
    );
  }
}

/** Raised for a commit that is malformed: no events, a bad version, a stream twice. */
export class InvalidCommitError extends Error {
  override readonly name = 'InvalidCommitError';
}

/**
 * Raised when another writer is committing the same idempotency key at the
 * same moment; retry, and the repeat will return that writer's result.
 */
export class IdempotencyInProgressError extends Error {
  override readonly name = 'IdempotencyInProgressError';

  constructor(readonly idempotencyKey: string) {
    super(`Another commit with idempotency key '${idempotencyKey}' is in progress`);
  }
}
