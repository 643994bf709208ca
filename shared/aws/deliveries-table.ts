import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/**
 * The deliveries table: one Powertools idempotency record per webhook
 * delivery id, keyed `id` (a string, no sort key), expired by DynamoDB TTL on
 * `expiration`. It is separate from the events table, whose numeric sort key
 * Powertools cannot use.
 */
export const deliveriesTable = {
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiration',
} as const;

/** Creates the deliveries table when missing (DynamoDB Local and tests) and waits for it. */
export async function createDeliveriesTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  const { name, type } = deliveriesTable.partitionKey;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: name, AttributeType: type }],
        KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    if (error instanceof ResourceInUseException) return;
    throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: {
        AttributeName: deliveriesTable.timeToLiveAttribute,
        Enabled: true,
      },
    }),
  );
}
