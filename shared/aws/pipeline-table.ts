import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PhaseName } from '../config/plan.ts';
import type { WaitingPhase, WaitingPhases } from '../pipeline/deps.ts';

/**
 * The pipeline table: small mutable items the state machine's tasks share,
 * keyed `pk`/`sk`. Slot counters (`slots`, `project#<repo>` and
 * `installation`) and one holder per job that has a slot (`slot-holders`,
 * `<buildId>/<jobId>`), see DynamoDbJobSlots; and the phase each runner runs
 * now (`runner#<id>`, `phase`).
 */
export const pipelineTable = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const;

/** Creates the pipeline table when missing (DynamoDB Local) and waits for it. */
export async function createPipelineTable(client: DynamoDBClient, name: string) {
  const { partitionKey: pk, sortKey: sk } = pipelineTable;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: pk.name, AttributeType: pk.type },
          { AttributeName: sk.name, AttributeType: sk.type },
        ],
        KeySchema: [
          { AttributeName: pk.name, KeyType: 'HASH' },
          { AttributeName: sk.name, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
}

const runnerKey = (runnerId: string) => ({ pk: `runner#${runnerId}`, sk: 'phase' });

/** The phase each runner runs now, one item per runner. */
export class DynamoDbWaitingPhases implements WaitingPhases {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async put(waiting: WaitingPhase): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...runnerKey(waiting.runnerId), ...waiting },
      }),
    );
  }

  async get(runnerId: string): Promise<WaitingPhase | undefined> {
    const found = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: runnerKey(runnerId) }),
    );
    if (!found.Item) return undefined;
    const { pk: _pk, sk: _sk, ...waiting } = found.Item;

    return waiting as WaitingPhase;
  }

  async recordCommand(
    runnerId: string,
    callbackToken: string,
    commandId: string,
  ): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runnerKey(runnerId),
          UpdateExpression: 'SET commandId = :commandId',
          ConditionExpression: 'callbackToken = :token',
          ExpressionAttributeValues: { ':commandId': commandId, ':token': callbackToken },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async clear(runnerId: string, phase: PhaseName): Promise<boolean> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: runnerKey(runnerId),
          ConditionExpression: 'phase = :phase',
          ExpressionAttributeValues: { ':phase': phase },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
