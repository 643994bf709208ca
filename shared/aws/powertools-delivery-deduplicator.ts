import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { DeliveryDeduplicator, WebhookAnswer } from '../intake/delivery.ts';

/** Options of {@link PowertoolsDeliveryDeduplicator}. */
export interface PowertoolsDeliveryDeduplicatorOptions {
  readonly client: DynamoDBClient;
  /** The deliveries table (see deliveries-table.ts). */
  readonly tableName: string;
  /**
   * How long a delivery's answer is kept. Default 7 days: GitHub lets people
   * redeliver for 3 days on github.com and 7 on GitHub Enterprise Server.
   */
  readonly expiresAfterSeconds?: number;
  /**
   * How long an unfinished delivery blocks its redeliveries, so one whose
   * process died can be retried. Default 30 000 ms (the webhook Lambda's timeout).
   */
  readonly inProgressMs?: number;
}

type Accept = () => Promise<WebhookAnswer>;

/**
 * Deduplicates deliveries with Powertools idempotency on DynamoDB: the record
 * is keyed by the delivery id alone, and holds the first answer.
 */
export class PowertoolsDeliveryDeduplicator implements DeliveryDeduplicator {
  readonly #run: (key: { deliveryId: string }, accept: Accept) => Promise<WebhookAnswer>;

  constructor(options: PowertoolsDeliveryDeduplicatorOptions) {
    const inProgressMs = options.inProgressMs ?? 30_000;
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'deliveryId',
      expiresAfterSeconds: options.expiresAfterSeconds ?? 7 * 24 * 3600,
      throwOnNoIdempotencyKey: true,
      // A redelivery to the same warm process is answered without a read.
      useLocalCache: true,
    });
    // Powertools reads the in-progress expiry from the Lambda context; a fixed
    // budget gives the same bound in Lambda and in the local server alike.
    config.registerLambdaContext({
      getRemainingTimeInMillis: () => inProgressMs,
    } as Context);
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: options.tableName,
      awsSdkV3Client: options.client,
    });
    this.#run = makeIdempotent(
      (_key: { deliveryId: string }, accept: Accept) => accept(),
      { persistenceStore, config, keyPrefix: 'webhook-delivery', dataIndexArgument: 0 },
    );
  }

  /** See {@link DeliveryDeduplicator.once}. */
  async once(deliveryId: string, accept: Accept): Promise<WebhookAnswer | 'in-progress'> {
    try {
      return await this.#run({ deliveryId }, accept);
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) return 'in-progress';
      throw error;
    }
  }
}
