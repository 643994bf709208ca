import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  CloudWatchPhaseLogs,
  PhaseLogPointerError,
} from '../../shared/aws/cloudwatch-phase-logs.ts';
import { SfnExecutionHistory } from '../../shared/aws/sfn-execution-history.ts';
import { StepFunctionsOrchestrator } from '../../shared/aws/step-functions-orchestrator.ts';

const group = '/bakehouse/runners';
const stream = 'cmd-1/i-0abc/aws-runShellScript/stdout';
const request = {
  buildId: '01B',
  jobId: '1',
  phase: 'build_script' as const,
  logPointer: `${group}:${stream}`,
  offset: 0,
  limit: 1000,
};
const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:builds';

/** A stream of two pages: `one\ntwo\n` then `thrée\n`, then its end. */
function twoPages() {
  const logs = mockClient(CloudWatchLogsClient);
  logs
    .on(GetLogEventsCommand, { logStreamName: stream, nextToken: undefined })
    .resolves({
      events: [{ message: 'one' }, { message: 'two' }],
      nextForwardToken: 'f/1',
    })
    .on(GetLogEventsCommand, { nextToken: 'f/1' })
    .resolves({ events: [{ message: 'thrée' }], nextForwardToken: 'f/2' })
    .on(GetLogEventsCommand, { nextToken: 'f/2' })
    .resolves({ events: [], nextForwardToken: 'f/2' });

  return logs;
}

describe('CloudWatchPhaseLogs', () => {
  it('reads the stream of the pointer from the head, a newline after each event', async () => {
    twoPages();

    const chunk = await new CloudWatchPhaseLogs(new CloudWatchLogsClient({}), group).read(
      request,
    );

    expect(chunk).toEqual({ text: 'one\ntwo\nthrée\n', nextOffset: 15 });
  });

  it('maps a byte offset onto the page tokens, resuming at the nearest page start', async () => {
    const logs = twoPages();
    const reader = new CloudWatchPhaseLogs(new CloudWatchLogsClient({}), group);
    await reader.read({ ...request, limit: 3 });
    await reader.read(request);
    logs.resetHistory();

    const chunk = await reader.read({ ...request, offset: 11, limit: 2 });

    expect(chunk).toEqual({ text: 'é', nextOffset: 13 });
    const calls = logs.commandCalls(GetLogEventsCommand);
    expect(calls[0]?.args[0].input).toMatchObject({
      nextToken: 'f/1',
      startFromHead: true,
    });
  });

  it('keeps a character that the limit cuts in two for the next read', async () => {
    twoPages();

    const chunk = await new CloudWatchPhaseLogs(new CloudWatchLogsClient({}), group).read(
      {
        ...request,
        offset: 8,
        limit: 4,
      },
    );

    expect(chunk).toEqual({ text: 'thr', nextOffset: 11 });
  });

  it('reads empty while no pointer or no stream exists', async () => {
    mockClient(CloudWatchLogsClient)
      .on(GetLogEventsCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    const reader = new CloudWatchPhaseLogs(new CloudWatchLogsClient({}), group);
    const { logPointer: _, ...running } = request;

    expect(await reader.read({ ...running, offset: 4 })).toEqual({
      text: '',
      nextOffset: 4,
    });
    expect(await reader.read(request)).toEqual({ text: '', nextOffset: 0 });
  });

  it('refuses a pointer into another log group', async () => {
    const reader = new CloudWatchPhaseLogs(new CloudWatchLogsClient({}), group);

    await expect(
      reader.read({ ...request, logPointer: `/aws/lambda/other:${stream}` }),
    ).rejects.toThrow(PhaseLogPointerError);
  });
});

describe('SfnExecutionHistory', () => {
  it('pages the history of the execution named after the build, in the read API words', async () => {
    const sfn = mockClient(SFNClient);
    const at = new Date('2026-12-03T10:00:00Z');
    sfn
      .on(GetExecutionHistoryCommand, { nextToken: undefined })
      .resolves({
        events: [
          { id: 1, type: 'ExecutionStarted', timestamp: at },
          {
            id: 2,
            type: 'TaskStateEntered',
            timestamp: at,
            stateEnteredEventDetails: { name: 'LoadConfig' },
          },
        ],
        nextToken: 'page-2',
      })
      .on(GetExecutionHistoryCommand, { nextToken: 'page-2' })
      .resolves({
        events: [
          {
            id: 3,
            type: 'LambdaFunctionFailed',
            timestamp: at,
            lambdaFunctionFailedEventDetails: { error: 'Boom', cause: 'it broke' },
          },
          {
            id: 4,
            type: 'ExecutionAborted',
            timestamp: at,
            executionAbortedEventDetails: { error: 'BuildCancelled', cause: 'why' },
          },
        ],
      });

    const history = await new SfnExecutionHistory(new SFNClient({}), arn).historyOf(
      '01B',
    );

    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input).toMatchObject({
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:builds:01B',
    });
    expect(history).toEqual({
      status: 'aborted',
      events: [
        { kind: 'ExecutionStarted', at: at.toISOString() },
        {
          kind: 'StateEntered',
          at: at.toISOString(),
          state: 'LoadConfig',
          stateType: 'Task',
        },
        {
          kind: 'StateFailed',
          at: at.toISOString(),
          state: 'LoadConfig',
          stateType: 'Task',
          error: 'Boom',
          cause: 'it broke',
        },
        {
          kind: 'ExecutionAborted',
          at: at.toISOString(),
          error: 'BuildCancelled',
          cause: 'why',
        },
      ],
    });
  });

  it('knows no history of an execution that does not exist', async () => {
    mockClient(SFNClient)
      .on(GetExecutionHistoryCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));

    const history = await new SfnExecutionHistory(new SFNClient({}), arn).historyOf(
      '01X',
    );

    expect(history).toBeUndefined();
  });
});

describe('StepFunctionsOrchestrator.stopBuild', () => {
  it('stops the execution named after the build, with BuildCancelled and the cause', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(StopExecutionCommand).resolves({});

    await new StepFunctionsOrchestrator(new SFNClient({}), arn).stopBuild('01B', 'why');

    expect(sfn.commandCalls(StopExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:builds:01B',
      error: 'BuildCancelled',
      cause: 'why',
    });
  });

  it('takes an execution that does not exist as stopped', async () => {
    mockClient(SFNClient)
      .on(StopExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));

    await expect(
      new StepFunctionsOrchestrator(new SFNClient({}), arn).stopBuild('01B', 'why'),
    ).resolves.toBeUndefined();
  });
});
