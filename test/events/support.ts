import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localCredentials } from '../../local/dynamodb-local.ts';
import { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { createTables, type TableNames } from '../../shared/events/tables.ts';

/** A client of the DynamoDB Local the global setup started. */
export function localClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('ddbEndpoint'),
    region: 'us-east-1',
    credentials: localCredentials,
  });
}

/** Fresh tables for one test file, named after it so files can run in parallel. */
export async function freshTables(
  client: DynamoDBClient,
  prefix: string,
): Promise<TableNames> {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const names = {
    events: `${prefix}-events-${suffix}`,
    views: `${prefix}-views-${suffix}`,
  };
  await createTables(client, names);

  return names;
}

/** An event store on fresh tables. */
export async function freshStore(
  client: DynamoDBClient,
  prefix: string,
): Promise<{ store: DynamoDbEventStore; names: TableNames }> {
  const names = await freshTables(client, prefix);

  return { store: new DynamoDbEventStore({ client, tableName: names.events }), names };
}
