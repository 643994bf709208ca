/**
 * The event store as a CDK construct: the events table, the views table and
 * the projector that keeps the views from the events table's stream. Table
 * shapes come from shared/events/tables.ts, as DynamoDB Local's do.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  eventsTable,
  type KeyAttribute,
  type TableDefinition,
  viewsTable,
} from '../shared/events/tables.ts';
import { BakehouseFunction } from './lambda-function.ts';

/** Options of {@link EventStore}. */
export interface EventStoreProps {
  /** Key for both tables and the dead-letter queue. Default: AWS-managed keys. */
  readonly encryptionKey?: kms.IKey;
  /** What happens to the tables when the stack is deleted. Default RETAIN. */
  readonly removalPolicy?: RemovalPolicy;
  /** Retention of the projector's logs. Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /** Stream records per projector invocation. Default 100. */
  readonly batchSize?: number;
  /** Retries of a failing batch before its records go to the dead-letter queue. Default 5. */
  readonly retryAttempts?: number;
}

/** The events table, the views table and the projector between them. */
export class EventStore extends Construct {
  readonly eventsTable: dynamodb.Table;
  readonly viewsTable: dynamodb.Table;
  readonly projector: lambda.IFunction;
  /** Where stream records that keep failing go, instead of blocking their shard. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventStoreProps = {}) {
    super(scope, id);
    this.eventsTable = this.#table('Events', eventsTable, props);
    this.viewsTable = this.#table('Views', viewsTable, props);
    this.deadLetterQueue = new sqs.Queue(this, 'ProjectorDeadLetters', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      ...(props.encryptionKey
        ? {
            encryption: sqs.QueueEncryption.KMS,
            encryptionMasterKey: props.encryptionKey,
          }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    });

    const projector = new BakehouseFunction(this, 'Projector', {
      entry: 'projector',
      environment: {
        EVENTS_TABLE: this.eventsTable.tableName,
        VIEWS_TABLE: this.viewsTable.tableName,
      },
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      timeout: Duration.minutes(1),
    });
    this.projector = projector.function;
    this.eventsTable.grantReadData(this.projector);
    this.viewsTable.grantReadWriteData(this.projector);
    projector.function.addEventSource(
      new DynamoEventSource(this.eventsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 100,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: props.retryAttempts ?? 5,
        onFailure: new SqsDlq(this.deadLetterQueue),
        // Events are only ever inserted; idempotency items carry no type.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { type: { S: lambda.FilterRule.exists() } } },
          }),
        ],
      }),
    );
  }

  #table(id: string, table: TableDefinition, props: EventStoreProps): dynamodb.Table {
    const created = new dynamodb.Table(this, id, {
      partitionKey: attribute(table.partitionKey),
      sortKey: attribute(table.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      ...(table.timeToLive && { timeToLiveAttribute: table.timeToLive }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.encryptionKey
        ? {
            encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryptionKey: props.encryptionKey,
          }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      ...(table.stream && { stream: dynamodb.StreamViewType[table.stream] }),
    });
    for (const index of table.indexes) {
      created.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }

    return created;
  }
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  const type =
    key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;

  return { name: key.name, type };
}
