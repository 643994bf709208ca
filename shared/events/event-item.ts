/**
 * How an event is laid out as a DynamoDB item. The payload is stored as JSON
 * text, so a stream record decodes without a marshaller and an item's size is
 * known before it is written.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { findStreamKind } from './catalogue/streams.ts';
import type { NewEvent, StoredEvent } from './store.ts';

/** A DynamoDB item in its wire form. */
export type Item = Record<string, AttributeValue>;

/** The item of an event at `version` of `streamId`. */
export function encodeEvent(
  streamId: string,
  version: number,
  event: NewEvent,
  recordedAt: string,
): Item {
  const item: Item = {
    stream: { S: streamId },
    version: { N: String(version) },
    type: { S: event.type },
    schemaVersion: { N: String(event.schemaVersion ?? 1) },
    data: { S: JSON.stringify(event.data) },
    recordedAt: { S: recordedAt },
  };
  const kind = findStreamKind(streamId);
  // Only the first event joins the streams-by-kind index: one entry per stream.
  if (version === 1 && kind) item.streamKind = { S: kind };

  return item;
}

/** The stored event an item holds, or undefined for a bookkeeping item. */
export function decodeEvent(item: Item): StoredEvent | undefined {
  const type = item.type?.S;
  if (type === undefined) return undefined;

  return {
    streamId: item.stream?.S ?? '',
    version: Number(item.version?.N),
    type,
    schemaVersion: Number(item.schemaVersion?.N ?? '1'),
    data: JSON.parse(item.data?.S ?? '{}'),
    recordedAt: item.recordedAt?.S ?? '',
  };
}

/** The idempotency item of a key, holding the first commit's result. */
export function encodeIdempotency(
  key: string,
  result: Readonly<Record<string, unknown>> | undefined,
  recordedAt: string,
): Item {
  const expires = Date.parse(recordedAt) / 1000 + idempotencyDays * 86_400;

  return {
    stream: { S: idempotencyStream(key) },
    version: { N: '0' },
    result: { S: JSON.stringify(result ?? {}) },
    recordedAt: { S: recordedAt },
    expiresAt: { N: String(Math.floor(expires)) },
  };
}

/**
 * How long an idempotency key holds, in days: far longer than anyone repeats
 * a command (GitHub redelivers a webhook for 3 days; a task token lives as
 * long as its phase), short enough that the keys do not pile up for ever.
 * DynamoDB's TTL then deletes the item, within a few days of it expiring.
 */
export const idempotencyDays = 30;

/** The partition key of an idempotency item. */
export function idempotencyStream(key: string): string {
  return `idempotency#${key}`;
}

/**
 * An upper bound of an item's size as DynamoDB counts it: UTF-8 bytes of
 * names and strings, and for numbers one byte more than their digits.
 */
export function itemSize(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (value.S !== undefined) bytes += Buffer.byteLength(value.S);
    else if (value.N !== undefined) bytes += value.N.length + 1;
  }

  return bytes;
}
