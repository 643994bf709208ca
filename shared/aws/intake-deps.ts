import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbEventStore,
  type DynamoDbEventStoreOptions,
} from '../events/dynamodb-event-store.ts';
import type { IntakeDeps } from '../intake/accept-delivery.ts';
import type { DecisionLog } from '../intake/delivery.ts';
import { WebhookSecrets } from '../intake/webhook-secrets.ts';
import type { Orchestrator } from '../ports/orchestrator.ts';
import type { SecretSource } from '../ports/source-host.ts';

/** What intake needs that differs between AWS and the embedded mode. */
export interface IntakeWiring {
  /** A client of DynamoDB, or of DynamoDB Local. */
  readonly client: DynamoDBClient;
  readonly eventsTable: string;
  readonly orchestrator: Orchestrator;
  readonly webhookSecret: SecretSource;
  readonly log: DecisionLog;
  /** Default: intake's own limit. */
  readonly maxBodyBytes?: number;
  /** Group commit in the event store; off by default (see the store's option). */
  readonly groupCommits?: DynamoDbEventStoreOptions['groupCommits'];
}

/**
 * Intake's dependencies on DynamoDB: the event store, whose idempotent
 * commit also deduplicates deliveries. The Lambda and the local server both
 * build theirs here, once.
 */
export function dynamoDbIntakeDeps(wiring: IntakeWiring): IntakeDeps {
  return {
    secrets: new WebhookSecrets(wiring.webhookSecret),
    store: new DynamoDbEventStore({
      client: wiring.client,
      tableName: wiring.eventsTable,
      ...(wiring.groupCommits && { groupCommits: wiring.groupCommits }),
    }),
    orchestrator: wiring.orchestrator,
    log: wiring.log,
    ...(wiring.maxBodyBytes !== undefined && { maxBodyBytes: wiring.maxBodyBytes }),
  };
}
