/**
 * The embedded mode's dead-letter destination for stream records: what the
 * SQS on-failure destination of the projector's event source mapping is on
 * AWS. Records a handler kept failing are appended, one JSON line each, so
 * that nothing given up is lost and an operator can look at it later.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';

/** Where the state folder keeps the records the stream poller gave up. */
export function deadLetterFile(stateDir: string): string {
  return join(stateDir, 'dead-letters', 'stream-records.jsonl');
}

/** Appends records given up, each with why and when, to the dead-letter file. */
export function keepDeadLetters(
  file: string,
  records: readonly DynamoDBRecord[],
  error: unknown,
  at: Date = new Date(),
): void {
  const reason =
    error instanceof Error
      ? error.message
      : 'the handler reported it failed on every attempt (its log line says why)';
  const lines = records.map((record) =>
    JSON.stringify({ at: at.toISOString(), reason, record }),
  );
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${lines.join('\n')}\n`);
}
