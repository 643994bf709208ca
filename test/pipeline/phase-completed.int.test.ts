import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { pipelineEnvNames } from '../../shared/aws/pipeline-env.ts';
import type { CommandInvocationDetail } from '../../shared/aws/ssm-phase-result.ts';
import { buildStream, isEvent } from '../../shared/events/catalogue.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import { reportBeginMarker, reportEndMarker } from '../../shared/runners/phase-report.ts';
import {
  buildLines,
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  requestBuild,
  stubFleet,
} from './support.ts';

const sfn = mockClient(SFNClient);
const logs = mockClient(CloudWatchLogsClient);
const logGroup = '/bakehouse/phases';

/** The event EventBridge hands the Lambda when a phase's command ends. */
function commandEvent(
  runnerId: string,
  status: string,
  commandId = 'c-1',
): EventBridgeEvent<string, CommandInvocationDetail> {
  return {
    version: '0',
    id: 'e1',
    'detail-type': 'EC2 Command Invocation Status-change Notification',
    source: 'aws.ssm',
    account: '123456789012',
    time: '2026-12-03T12:00:42Z',
    region: 'us-east-1',
    resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${runnerId}`],
    detail: {
      'command-id': commandId,
      'document-name': 'AWS-RunShellScript',
      'instance-id': runnerId,
      'requested-date-time': '2026-12-03T12:00:00Z',
      status,
    },
  };
}

/** A phase's output in CloudWatch Logs: lines, then the report between its markers. */
function output(report: Record<string, unknown>, lines = 3) {
  const messages = [
    ...Array.from({ length: lines }, (_, i) => `line ${i}`),
    reportBeginMarker,
    JSON.stringify(report),
    reportEndMarker,
  ];

  return { events: messages.map((message) => ({ message })), nextBackwardToken: 'b/1' };
}

describe('the phase completion Lambda, fed EventBridge SSM events', () => {
  let tables: PipelineTables;
  let handler: (
    event: EventBridgeEvent<string, CommandInvocationDetail>,
  ) => Promise<void>;

  beforeAll(async () => {
    tables = await pipelineTables('completed');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('ddbEndpoint'));
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv(pipelineEnvNames.eventsTable, tables.eventsTable);
    vi.stubEnv(pipelineEnvNames.pipelineTable, tables.pipelineTable);
    vi.stubEnv(pipelineEnvNames.runnerLogGroup, logGroup);
    handler = (await import('../../functions/phase-completed.ts')).handler;
  });
  afterEach(() => {
    sfn.reset();
    logs.reset();
  });

  /** A build whose job 1 runs `phase` on `runnerId`, waiting on `token`. */
  async function waitingPhase(
    runnerId: string,
    token: string,
    phase = 'install' as const,
  ) {
    const deps = pipelineDeps(tables, 'install:\n  - make deps\n', {
      fleet: stubFleet({
        launch: async () => runnerId,
        // SSM's id of the command RunPhase sends.
        startPhase: async () => 'c-1',
      }),
    });
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const { launchRunner } = await import('../../shared/pipeline/launch-runner.ts');
    const { runPhase } = await import('../../shared/pipeline/run-phase.ts');
    const image = { name: 'Ubuntu2204', platform: 'linux', ref: 'ami-1', base: true };
    await launchRunner({ buildId, jobId: '1', image }, deps);
    await runPhase({ buildId, jobId: '1', runnerId, phase, taskToken: token }, deps);

    return buildId;
  }

  it('records PhaseFinished with its variables and sends the task success', async () => {
    const buildId = await waitingPhase('i-0aaa', 'token-ok');
    sfn.on(SendTaskSuccessCommand).resolves({});
    logs.on(GetLogEventsCommand).resolves(
      output({
        outcome: 'succeeded',
        exitCode: 0,
        variables: { TOOL: '1.2' },
        messages: [],
      }),
    );

    await handler(commandEvent('i-0aaa', 'Success'));

    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      {
        taskToken: 'token-ok',
        output: JSON.stringify({ phase: 'install', exitCode: 0 }),
      },
    ]);
    expect(logs.commandCalls(GetLogEventsCommand)[0]?.args[0].input).toMatchObject({
      logGroupName: logGroup,
      logStreamName: 'c-1/i-0aaa/aws-runShellScript/stdout',
      startFromHead: false,
    });
    expect((await buildLines(tables.store, buildId)).slice(-2)).toEqual([
      'VariableSet:1',
      'PhaseFinished:1:install:success',
    ]);
  });

  it('records the artifacts the report lists, keyed in the store, before PhaseFinished', async () => {
    const buildId = await waitingPhase('i-0abc', 'token-artifacts');
    sfn.on(SendTaskSuccessCommand).resolves({});
    const artifact = { fileName: 'dist/app.whl', type: 'Auto', size: 7, path: 'app.whl' };
    logs.on(GetLogEventsCommand).resolves(
      output({
        outcome: 'succeeded',
        exitCode: 0,
        variables: {},
        messages: [],
        artifacts: [artifact],
      }),
    );

    await handler(commandEvent('i-0abc', 'Success'));

    const events = await tables.store.read(`build-${buildId}`);
    expect(events.at(-2)).toMatchObject({
      type: 'ArtifactPushed',
      data: { jobId: '1', ...artifact, key: `artifacts/${buildId}/1/dist/app.whl` },
    });
    expect(events.at(-1)?.type).toBe('PhaseFinished');
  });

  it('fails the task with PhaseFailed when a command of the phase failed', async () => {
    await waitingPhase('i-0bbb', 'token-failed');
    sfn.on(SendTaskFailureCommand).resolves({});
    logs
      .on(GetLogEventsCommand)
      .resolves(
        output({ outcome: 'failed', exitCode: 2, variables: {}, messages: [] }, 5_000),
      );

    await handler(commandEvent('i-0bbb', 'Failed'));

    const failure = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(failure).toMatchObject({ taskToken: 'token-failed', error: 'PhaseFailed' });
    expect(failure?.cause).toMatch(
      /Phase install of job 1 .* exit code 2; log: \/bakehouse/,
    );
  });

  it('fails the task with JobExitedRed for an `exit N`, which skips the finalizers', async () => {
    await waitingPhase('i-0ccc', 'token-exit');
    sfn.on(SendTaskFailureCommand).resolves({});
    logs.on(GetLogEventsCommand).resolves(
      output({
        outcome: 'failed',
        exitCode: 3,
        skipFinalizers: true,
        variables: {},
        messages: [],
      }),
    );

    await handler(commandEvent('i-0ccc', 'Failed'));

    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({
      taskToken: 'token-exit',
      error: 'JobExitedRed',
    });
  });

  it('fails the phase, saying why, when SSM says success but no report was printed', async () => {
    const buildId = await waitingPhase('i-0dda', 'token-no-report');
    sfn.on(SendTaskFailureCommand).resolves({});
    logs.on(GetLogEventsCommand).resolves({ events: [], nextBackwardToken: 'b/0' });

    await handler(commandEvent('i-0dda', 'Success'));

    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({
      taskToken: 'token-no-report',
      error: 'PhaseFailed',
    });
    const events = await tables.store.read(buildStream(buildId));
    const message = events.findLast((e) => isEvent(e, 'MessageAdded'));
    expect(message?.data).toMatchObject({
      level: 'error',
      message: expect.stringMatching(
        /Phase install of job 1 in build .* ended with SSM status Success, but its report was not found in \/bakehouse\/phases:c-1\/i-0dda.*: the variables and messages it set are unknown/,
      ),
    });
    expect((await buildLines(tables.store, buildId)).at(-1)).toBe(
      'PhaseFinished:1:install:failed',
    );
  }, 30_000);

  it('ends the phase only with its own command, not another one sent to the runner', async () => {
    const buildId = await waitingPhase('i-0abb', 'token-own');
    sfn.on(SendTaskSuccessCommand).resolves({});
    logs
      .on(GetLogEventsCommand)
      .resolves(
        output({ outcome: 'succeeded', exitCode: 0, variables: {}, messages: [] }),
      );

    await handler(commandEvent('i-0abb', 'Success', 'c-operator'));
    const afterOther = await buildLines(tables.store, buildId);
    await handler(commandEvent('i-0abb', 'Success', 'c-1'));

    expect(afterOther.at(-1)).toBe('PhaseStarted:1:install');
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      {
        taskToken: 'token-own',
        output: JSON.stringify({ phase: 'install', exitCode: 0 }),
      },
    ]);
    expect((await buildLines(tables.store, buildId)).at(-1)).toBe(
      'PhaseFinished:1:install:success',
    );
  });

  it('falls back on the SSM status, with an error message, when no report was printed', async () => {
    const buildId = await waitingPhase('i-0ddd', 'token-silent');
    sfn.on(SendTaskFailureCommand).resolves({});
    logs.on(GetLogEventsCommand).resolves({ events: [], nextBackwardToken: 'b/0' });

    await handler(commandEvent('i-0ddd', 'TimedOut'));

    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({
      error: 'PhaseTimedOut',
    });
    expect((await buildLines(tables.store, buildId)).slice(-2)).toEqual([
      'MessageAdded:1',
      'PhaseFinished:1:install:timedOut',
    ]);
  }, 30_000);

  it('ignores a command of a runner that waits for nothing, and a repeat', async () => {
    await waitingPhase('i-0eee', 'token-once');
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(new TaskTimedOut({ message: 'gone', $metadata: {} }));
    logs
      .on(GetLogEventsCommand)
      .resolves(
        output({ outcome: 'succeeded', exitCode: 0, variables: {}, messages: [] }),
      );

    await handler(commandEvent('i-0eee', 'Success'));
    await handler(commandEvent('i-0eee', 'Success'));
    await handler(commandEvent('i-0fff', 'Success'));

    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });
});
