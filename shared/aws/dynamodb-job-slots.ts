import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { JobSlotRequest, JobSlots } from '../pipeline/deps.ts';

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
        // An absent counter is 0: under a cap of 0 it admits no job either.
        ...(limit !== undefined && {
          ConditionExpression:
            '(attribute_not_exists(running) AND :zero < :limit) OR running < :limit',
        }),
        ExpressionAttributeValues: {
          ':one': 1,
          ...(limit !== undefined && { ':limit': limit, ':zero': 0 }),
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
