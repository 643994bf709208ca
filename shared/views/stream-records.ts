/**
 * Turns a batch of DynamoDB Streams records of the events table into view
 * updates: one catch-up per stream, and the first record of each stream that
 * failed reported back so only it and what follows are retried.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { ViewProjector } from './view-projector.ts';

/** Where failures are told; the projector's Lambda passes its logger. */
export interface ProjectionLog {
  error(message: string, context: Record<string, unknown>): void;
}

/** Projects a batch of stream records and answers with the records to retry. */
export async function projectRecords(
  records: readonly DynamoDBRecord[],
  projector: Pick<ViewProjector, 'catchUp'>,
  log?: ProjectionLog,
): Promise<DynamoDBBatchResponse> {
  const streams = new Map<string, { version: number; first: string }>();
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    // Only new events: idempotency items have no type, and events never change.
    if (record.eventName !== 'INSERT' || !image?.type?.S || !image.stream?.S) continue;
    const version = Number(image.version?.N);
    const sequence = record.dynamodb?.SequenceNumber ?? '';
    const held = streams.get(image.stream.S);
    if (!held) streams.set(image.stream.S, { version, first: sequence });
    else held.version = Math.max(held.version, version);
  }

  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    [...streams].map(async ([streamId, { version, first }]) => {
      try {
        await projector.catchUp(streamId, version);
      } catch (error) {
        log?.error('Projection failed', { streamId, version, error });
        failures.push({ itemIdentifier: first });
      }
    }),
  );

  return { batchItemFailures: failures };
}
