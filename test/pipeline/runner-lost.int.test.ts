import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { pipelineEnvNames } from '../../shared/aws/pipeline-env.ts';
import { DynamoDbWaitingPhases } from '../../shared/aws/pipeline-table.ts';
import { type PipelineTables, pipelineTables } from './support.ts';

const sfn = mockClient(SFNClient);

type InstanceEvent = EventBridgeEvent<string, Record<string, string>>;

function stateChange(runnerId: string, state: string): InstanceEvent {
  return {
    version: '0',
    id: 'e2',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2026-12-03T12:01:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { 'instance-id': runnerId, state },
  };
}

describe('the lost-runner Lambda, fed EventBridge EC2 events', () => {
  let tables: PipelineTables;
  let waiting: DynamoDbWaitingPhases;
  let handler: (event: InstanceEvent) => Promise<void>;
  beforeAll(async () => {
    tables = await pipelineTables('lost');
    waiting = new DynamoDbWaitingPhases(tables.client, tables.pipelineTable);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('ddbEndpoint'));
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv(pipelineEnvNames.eventsTable, tables.eventsTable);
    vi.stubEnv(pipelineEnvNames.pipelineTable, tables.pipelineTable);
    handler = (await import('../../functions/runner-lost.ts')).handler as never;
  });
  afterEach(() => sfn.reset());

  it('fails the waiting phase of a terminated runner at once, with RunnerLost', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    await waiting.put({
      runnerId: 'i-0lost',
      buildId: 'b1',
      jobId: '2',
      phase: 'test_script',
      callbackToken: 'token-lost',
      startedAt: '2026-12-03T12:00:00Z',
    });

    await handler(stateChange('i-0lost', 'terminated'));
    await handler(stateChange('i-0lost', 'terminated'));

    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      {
        taskToken: 'token-lost',
        error: 'RunnerLost',
        cause:
          'Runner i-0lost of job 2 in build b1 became terminated during phase test_script',
      },
    ]);
    expect(await waiting.get('i-0lost')).toBeUndefined();
  });

  it('lets a runner that starts or runs keep its phase', async () => {
    await waiting.put({
      runnerId: 'i-0fine',
      buildId: 'b1',
      jobId: '1',
      phase: 'install',
      callbackToken: 'token-fine',
      startedAt: '2026-12-03T12:00:00Z',
    });

    await handler(stateChange('i-0fine', 'running'));

    expect(sfn.commandCalls(SendTaskFailureCommand)).toEqual([]);
    expect(await waiting.get('i-0fine')).toMatchObject({ phase: 'install' });
  });
});
