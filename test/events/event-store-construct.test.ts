import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '../../infra/event-store.ts';
import { newEvent } from '../../shared/events/catalogue.ts';
import {
  encodeEvent,
  encodeIdempotency,
  idempotencyDays,
} from '../../shared/events/event-item.ts';
import { streamsByKindIndex } from '../../shared/events/tables.ts';

const at = '2026-12-03T10:00:00.000Z';

describe('the EventStore construct', () => {
  let template: Template;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Test');
    new EventStore(stack, 'EventStore');
    template = Template.fromStack(stack);
  });

  it('keeps events in an encrypted, recoverable, on-demand table with a stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'stream', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: streamsByKindIndex })],
    });
  });

  it('lets idempotency items expire through TTL, and no event', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'stream', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    const event = encodeEvent(
      'build-1',
      1,
      newEvent('BuildSkipped', { reason: 'x' }),
      at,
    );
    const key = encodeIdempotency('delivery-1', { buildId: '1' }, at);

    expect(event).not.toHaveProperty('expiresAt');
    expect(Number(key.expiresAt?.N)).toBe(
      Date.parse(at) / 1000 + idempotencyDays * 86_400,
    );
  });

  it('keeps views in a second table and retains both tables', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.values(tables).map((t) => t.DeletionPolicy)).toEqual([
      'Retain',
      'Retain',
    ]);
  });

  it('runs the projector on Node.js 24 on arm64', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({ EVENTS_TABLE: Match.anyValue() }),
      },
    });
  });

  it('maps the stream with batch failures, bisection, a retry limit and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      DestinationConfig: {
        OnFailure: { Destination: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) },
      },
      FilterCriteria: {
        Filters: [{ Pattern: Match.stringLikeRegexp('INSERT') }],
      },
    });
  });
});
