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
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
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
 * `installation`), one holder per job that has a slot (`slot-holders`,
 * `<buildId>/<jobId>`), and the phase each runner runs now (`runner#<id>`,
 * `phase`).
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
const holders = 'slot-holders';
const holderKey = (buildId: string, jobId: string) => ({
  pk: holders,
  sk: `${buildId}/${jobId}`,
});

/** A job's hold on a slot, as its item keeps it. */
interface Holder {
  readonly pk: string;
  readonly sk: string;
  readonly repository: string;
  readonly expiresAt: string;
}

/**
 * Job slots as counters moved in one transaction with the job's holder item:
 * a job takes a slot only when both counters are under their caps, and a
 * repeat by the same job finds its holder and keeps its slot. Holders live in
 * one partition, so the expired ones are one query away.
 */
export class DynamoDbJobSlots implements JobSlots {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async acquire(slot: JobSlotRequest, now: Date): Promise<boolean> {
    const first = await this.#take(slot);
    if (first !== 'refused') return true;
    const freed = await this.#releaseExpired(now);

    return freed > 0 && (await this.#take(slot)) !== 'refused';
  }

  async renew(buildId: string, jobId: string, expiresAt: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: holderKey(buildId, jobId),
          UpdateExpression: 'SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':expiresAt': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(buildId: string, jobId: string): Promise<void> {
    const found = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: holderKey(buildId, jobId) }),
    );
    if (found.Item) await this.#giveBack(found.Item as Holder);
  }

  async releaseBuild(buildId: string): Promise<string[]> {
    const held = await this.#holders({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :build)',
      ExpressionAttributeValues: { ':pk': holders, ':build': `${buildId}/` },
    });
    for (const holder of held) await this.#giveBack(holder);

    return held.map((holder) => holder.sk.slice(buildId.length + 1));
  }

  /** Takes the job's slot: `taken`, `held` (it had one already) or `refused`. */
  async #take(slot: JobSlotRequest): Promise<'taken' | 'held' | 'refused'> {
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
    const holder: Holder = {
      ...holderKey(slot.buildId, slot.jobId),
      repository: slot.repository,
      expiresAt: slot.expiresAt,
    };
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: holder,
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            take(projectKey(slot.repository), slot.projectLimit),
            take(installation, slot.installationLimit),
          ],
        }),
      );
      return 'taken';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // The first item failing its condition means this job already holds a slot.
      const held = error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';

      return held ? 'held' : 'refused';
    }
  }

  /** Gives back every holder expired at `now`; returns how many. */
  async #releaseExpired(now: Date): Promise<number> {
    const expired = await this.#holders({
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'expiresAt < :now',
      ExpressionAttributeValues: { ':pk': holders, ':now': now.toISOString() },
    });
    let freed = 0;
    for (const holder of expired) {
      if (await this.#giveBack(holder, holder.expiresAt)) freed += 1;
    }

    return freed;
  }

  async #holders(
    query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<Holder[]> {
    const found: Holder[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({ ...query, TableName: this.tableName, ExclusiveStartKey }),
      );
      found.push(...((page.Items ?? []) as Holder[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);

    return found;
  }

  /**
   * Deletes a holder and moves both counters down, in one transaction; with
   * `expiresAt`, only while the holder still has that expiry (not renewed).
   * False when another release went first or the job renewed its hold.
   */
  async #giveBack(holder: Holder, expiresAt?: string): Promise<boolean> {
    const TableName = this.tableName;
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
                Key: { pk: holder.pk, sk: holder.sk },
                ConditionExpression:
                  expiresAt === undefined
                    ? 'attribute_exists(pk)'
                    : 'expiresAt = :expiresAt',
                ...(expiresAt !== undefined && {
                  ExpressionAttributeValues: { ':expiresAt': expiresAt },
                }),
              },
            },
            give(projectKey(holder.repository)),
            give(installation),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      return false;
    }
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
