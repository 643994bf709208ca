import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  TransactionCanceledException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PhaseName } from '../config/plan.ts';
import type {
  JobSlotRequest,
  JobSlots,
  WaitingPhase,
  WaitingPhases,
} from '../pipeline/deps.ts';

/**
 * The pipeline table: small mutable items the state machine's tasks share,
 * keyed `pk`/`sk`. Slot counters (`slots`, `project#<repo>` and
 * `installation`), one holder per job that has a slot (`slot#<buildId>`,
 * `<jobId>`), and the phase each runner runs now (`runner#<id>`, `phase`).
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

const counters = 'slots';
const installation = 'installation';
const projectKey = (repository: string) => `project#${repository.toLowerCase()}`;
const holderKey = (buildId: string) => `slot#${buildId}`;

/**
 * Job slots as counters moved in one transaction with the job's holder item:
 * a job takes a slot only when both counters are under their caps, and a
 * repeat by the same job finds its holder and keeps its slot.
 */
export class DynamoDbJobSlots implements JobSlots {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async acquire(slot: JobSlotRequest): Promise<boolean> {
    const TableName = this.tableName;
    const take = (sk: string, limit: number | undefined) => ({
      Update: {
        TableName,
        Key: { pk: counters, sk },
        UpdateExpression: 'ADD running :one',
        ...(limit !== undefined && {
          ConditionExpression: 'attribute_not_exists(running) OR running < :limit',
        }),
        ExpressionAttributeValues: {
          ':one': 1,
          ...(limit !== undefined && { ':limit': limit }),
        },
      },
    });
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: {
                  pk: holderKey(slot.buildId),
                  sk: slot.jobId,
                  repository: slot.repository,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            take(projectKey(slot.repository), slot.projectLimit),
            take(installation, slot.installationLimit),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // The first item failing its condition means this job already holds a slot.
      return error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
    }
  }

  async release(buildId: string, jobId: string): Promise<void> {
    const TableName = this.tableName;
    const holder = await this.documents.send(
      new GetCommand({ TableName, Key: { pk: holderKey(buildId), sk: jobId } }),
    );
    const repository = holder.Item?.repository as string | undefined;
    if (repository === undefined) return;

    const give = (sk: string) => ({
      Update: {
        TableName,
        Key: { pk: counters, sk },
        UpdateExpression: 'ADD running :minusOne',
        ExpressionAttributeValues: { ':minusOne': -1 },
      },
    });
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName,
                Key: { pk: holderKey(buildId), sk: jobId },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            give(projectKey(repository)),
            give(installation),
          ],
        }),
      );
    } catch (error) {
      // Another release of the same job went first.
      if (!(error instanceof TransactionCanceledException)) throw error;
    }
  }

  async releaseBuild(buildId: string): Promise<string[]> {
    const held = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': holderKey(buildId) },
      }),
    );
    const jobIds = (held.Items ?? []).map((item) => String(item.sk));
    for (const jobId of jobIds) await this.release(buildId, jobId);

    return jobIds;
  }
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
