/**
 * The projector Lambda: takes DynamoDB Streams records of the events table
 * and keeps the views table up to date, answering with the records to retry
 * (ReportBatchItemFailures). Reads EVENTS_TABLE and VIEWS_TABLE.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoDbEventStore } from '../shared/events/dynamodb-event-store.ts';
import { type ProjectionLog, projectRecords } from '../shared/views/stream-records.ts';
import { ViewProjector } from '../shared/views/view-projector.ts';
import { viewsDocumentClient } from '../shared/views/views-client.ts';

/** A handler of stream batches, the Lambda's or the local poller's. */
export type StreamBatchHandler = (
  event: DynamoDBStreamEvent,
) => Promise<DynamoDBBatchResponse>;

const logger = new Logger({ serviceName: 'bakehouse-projector' });

/** The batch handler for a projector; the local stream poller calls it too. */
export function projectorHandler(
  projector: ViewProjector,
  log: ProjectionLog = logger,
): StreamBatchHandler {
  return (event) => projectRecords(event.Records, projector, log);
}

/** A projector on the tables the environment names. */
export function projectorFromEnvironment(client = new DynamoDBClient({})): ViewProjector {
  const events = requiredEnv('EVENTS_TABLE');
  const views = requiredEnv('VIEWS_TABLE');

  return new ViewProjector({
    store: new DynamoDbEventStore({ client, tableName: events }),
    client: viewsDocumentClient(client),
    viewsTable: views,
  });
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`The projector needs the environment variable ${name}`);

  return value;
}

let projector: ViewProjector | undefined;

/** The Lambda entry point. */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    projector ??= projectorFromEnvironment();

    return projectorHandler(projector)(event);
  });
