/**
 * The DynamoDB tables of Bakehouse as data, read both by `createTables` (for
 * DynamoDB Local) and by the CDK construct, so the two cannot drift.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/** A key attribute: its name and DynamoDB type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** A global secondary index of a table. */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: 'KEYS_ONLY' | 'ALL';
}

/** What a table is: keys, stream and indexes. */
export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  readonly indexes: readonly IndexDefinition[];
  /** The attribute DynamoDB's TTL reads (epoch seconds), when items expire. */
  readonly timeToLive?: string;
}

/** The names of the two tables in one deployment or one local state folder. */
export interface TableNames {
  readonly events: string;
  readonly views: string;
}

/** The GSI that lists the streams of a kind by the time of their first event. */
export const streamsByKindIndex = 'streamsByKind';

/**
 * The events table: one item per event (`stream`, `version`), plus one item
 * per idempotency key (`idempotency#<key>`, version 0). Only first events
 * carry `streamKind`, so the index is sparse; only idempotency items carry
 * `expiresAt`, so events never expire.
 */
export const eventsTable: TableDefinition = {
  partitionKey: { name: 'stream', type: 'S' },
  sortKey: { name: 'version', type: 'N' },
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLive: 'expiresAt',
  indexes: [
    {
      indexName: streamsByKindIndex,
      partitionKey: { name: 'streamKind', type: 'S' },
      sortKey: { name: 'recordedAt', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
};

/** The views table: read models keyed `pk`, `sk`, written only by projectors. */
export const viewsTable: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [],
};

/** The CreateTable request for a definition, on-demand billing. */
export function createTableInput(
  name: string,
  table: TableDefinition,
): CreateTableCommandInput {
  const attributes = new Map<string, KeyAttribute>();
  for (const key of [table.partitionKey, table.sortKey]) attributes.set(key.name, key);
  for (const index of table.indexes) {
    attributes.set(index.partitionKey.name, index.partitionKey);
    attributes.set(index.sortKey.name, index.sortKey);
  }
  const keySchema = (pk: KeyAttribute, sk: KeyAttribute) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    { AttributeName: sk.name, KeyType: 'RANGE' as const },
  ];

  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()].map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(table.stream && {
      StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream },
    }),
    ...(table.indexes.length > 0 && {
      GlobalSecondaryIndexes: table.indexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: index.projection },
      })),
    }),
  };
}

/** Creates the events and views tables when missing and waits until they exist. */
export async function createTables(
  client: DynamoDBClient,
  names: TableNames,
): Promise<void> {
  const wanted: [string, TableDefinition][] = [
    [names.events, eventsTable],
    [names.views, viewsTable],
  ];
  for (const [name, table] of wanted) {
    if (await tableExists(client, name)) continue;
    await client.send(new CreateTableCommand(createTableInput(name, table)));
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
  }
}

async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
