import { describe, expect, it } from 'vitest';
import {
  LocalOrchestrator,
  type LocalTask,
  localWaitMs,
} from '../../local/orchestrator.ts';
import { LocalTaskCallbacks } from '../../local/task-callbacks.ts';

/** A small hand-written machine with the shapes the pipeline uses. */
const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 3600, MaxAttempts: 2 }],
      ResultPath: '$.prepared',
      TimeoutSeconds: 30,
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 3600, Next: 'Jobs' },
    Jobs: {
      Type: 'Map',
      ItemsPath: '$.jobs',
      MaxConcurrency: 2,
      ItemSelector: { 'buildId.$': '$.buildId', 'jobId.$': '$$.Map.Item.Value' },
      ItemProcessor: {
        StartAt: 'RunInstall',
        States: {
          RunInstall: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: {
              FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:RunPhase',
              Payload: {
                'buildId.$': '$.buildId',
                'jobId.$': '$.jobId',
                phase: 'install',
                'taskToken.$': '$$.Task.Token',
              },
            },
            ResultPath: '$.install',
            TimeoutSeconds: 30,
            Catch: [
              { ErrorEquals: ['PhaseFailed'], ResultPath: '$.failure', Next: 'Recover' },
            ],
            End: true,
          },
          Recover: { Type: 'Pass', End: true },
        },
      },
      End: true,
    },
  },
};

interface Deps {
  readonly calls: string[];
}

function setUp(phase: LocalTask<Deps>) {
  const callbacks = new LocalTaskCallbacks();
  const deps: Deps = { calls: [] };
  let attempts = 0;
  const tasks: Record<string, LocalTask<Deps>> = {
    Prepare: async (_input, d) => {
      d.calls.push('Prepare');
      attempts += 1;
      if (attempts === 1) throw Object.assign(new Error('try again'), { name: 'Flaky' });
      return 'ready';
    },
    RunInstall: phase,
  };
  const orchestrator = new LocalOrchestrator({
    definition,
    tasks,
    callbackStates: ['RunInstall'],
    deps,
    callbacks,
  });

  return { orchestrator, callbacks, deps };
}

describe('LocalOrchestrator', () => {
  it('binds tasks by state name and shortens every Wait and retry interval', async () => {
    const { orchestrator, callbacks, deps } = setUp(async (input) => {
      const { taskToken } = (input as { Payload: { taskToken: string } }).Payload;
      setTimeout(() => void callbacks.succeed(taskToken, { exitCode: 0 }), 10);
    });
    const started = Date.now();

    await orchestrator.startBuild('b1', { buildId: 'b1', jobs: ['1', '2'] });
    await orchestrator.idle();

    expect(Date.now() - started).toBeLessThan(5000);
    expect(deps.calls).toEqual(['Prepare', 'Prepare']);
    expect(orchestrator.status('b1')).toMatchObject({ status: 'succeeded' });
    const output = (orchestrator.status('b1') as { output: { install: unknown }[] })
      .output;
    expect(output.map((job) => job.install)).toEqual([{ exitCode: 0 }, { exitCode: 0 }]);
  });

  it('hands a waiting state its local token and waits for its callback', async () => {
    const seen: unknown[] = [];
    const { orchestrator, callbacks } = setUp(async (input) => {
      seen.push(input);
    });

    await orchestrator.startBuild('b2', { buildId: 'b2', jobs: ['1'] });
    for (let i = 0; i < 100 && callbacks.waitingTokens().length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }

    expect(callbacks.waitingTokens()).toEqual(['b2/1/install']);
    expect(orchestrator.status('b2')).toEqual({ status: 'running' });
    expect(seen).toEqual([
      {
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:RunPhase',
        Payload: {
          buildId: 'b2',
          jobId: '1',
          phase: 'install',
          taskToken: 'b2/1/install',
        },
      },
    ]);
    await callbacks.succeed('b2/1/install', { exitCode: 0 });
    await orchestrator.idle();
    expect(orchestrator.status('b2')).toMatchObject({ status: 'succeeded' });
  });

  it('fails a waiting state with the callback error as its error code', async () => {
    const { orchestrator, callbacks } = setUp(async (input) => {
      const { taskToken } = (input as { Payload: { taskToken: string } }).Payload;
      setTimeout(() => void callbacks.fail(taskToken, 'PhaseFailed', 'exit code 2'), 10);
    });

    await orchestrator.startBuild('b3', { buildId: 'b3', jobs: ['1'] });
    await orchestrator.idle();

    const output = (orchestrator.status('b3') as { output: { failure: unknown }[] })
      .output;
    expect(output[0]?.failure).toEqual({ Error: 'PhaseFailed', Cause: 'exit code 2' });
    const types = orchestrator.eventLog('b3').map((event) => event.type);
    expect(types).toContain('StateCaught');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('counts a build started twice as started once', async () => {
    const { orchestrator, callbacks } = setUp(async (input) => {
      const { taskToken } = (input as { Payload: { taskToken: string } }).Payload;
      await callbacks.succeed(taskToken, {});
    });

    await orchestrator.startBuild('b4', { buildId: 'b4', jobs: ['1'] });
    await orchestrator.startBuild('b4', { buildId: 'b4', jobs: ['1'] });
    await orchestrator.idle();

    expect(orchestrator.startedCount()).toBe(1);
  });

  it('pauses in every Wait, so a loop polling for a slot does not spin', async () => {
    const polling = {
      StartAt: 'AskForSlot',
      States: {
        AskForSlot: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          TimeoutSeconds: 30,
          Next: 'SlotFree',
        },
        SlotFree: {
          Type: 'Choice',
          Choices: [{ Variable: '$.free', BooleanEquals: true, Next: 'Done' }],
          Default: 'WaitForSlot',
        },
        WaitForSlot: { Type: 'Wait', Seconds: 30, Next: 'AskForSlot' },
        Done: { Type: 'Succeed' },
      },
    };
    let asks = 0;
    const orchestrator = new LocalOrchestrator({
      definition: polling,
      tasks: { AskForSlot: async () => ({ free: ++asks >= 4 }) },
      callbackStates: [],
      deps: {},
      callbacks: new LocalTaskCallbacks(),
    });
    const started = Date.now();

    await orchestrator.startBuild('b5', {});
    await orchestrator.idle();

    expect(asks).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * localWaitMs);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('refuses a definition with a Task state that no task is bound to', () => {
    const callbacks = new LocalTaskCallbacks();

    expect(
      () =>
        new LocalOrchestrator({
          definition,
          tasks: {},
          callbackStates: [],
          deps: {},
          callbacks,
        }),
    ).toThrow('Task state Prepare of the definition has no local task.');
  });
});
