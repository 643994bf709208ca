import aslValidator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeDefinition } from '../../infra/definition.ts';
import {
  callbackStateNames,
  pipelineTasks,
  taskStateNames,
} from '../../shared/pipeline/index.ts';

type State = Record<string, unknown> & { Type: string };

/** Every state of the definition, the Map's inner states included, by name. */
function allStates(asl: Record<string, unknown>): Map<string, State> {
  const found = new Map<string, State>();
  const visit = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      found.set(name, state);
      const inner = (state.ItemProcessor ?? state.Iterator) as
        | { States: Record<string, State> }
        | undefined;
      if (inner) visit(inner.States);
    }
  };
  visit(asl.States as Record<string, State>);

  return found;
}

describe('the build state machine definition', () => {
  let asl: Record<string, unknown>;
  let states: Map<string, State>;
  beforeAll(() => {
    asl = synthesizeDefinition();
    states = allStates(asl);
  });

  it('is valid Amazon States Language', () => {
    const result = aslValidator(asl);

    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('gives every Task state an explicit TimeoutSeconds', () => {
    const tasks = [...states.values()].filter((s) => s.Type === 'Task');

    expect(tasks.length).toBeGreaterThan(10);
    for (const task of tasks) expect(task.TimeoutSeconds).toBeGreaterThan(0);
  });

  it('has exactly the task states pipelineTasks binds, in the build words', () => {
    const taskNames = [...states].filter(([, s]) => s.Type === 'Task').map(([n]) => n);

    expect(taskNames.sort()).toEqual(Object.keys(pipelineTasks).sort());
    expect(taskNames).toContain('RunInstall');
    expect(taskNames).toContain(taskStateNames.launchRunner);
  });

  it('waits for a task token in every phase state and nowhere else', () => {
    const waiting = [...states]
      .filter(([, s]) => String(s.Resource).endsWith('.waitForTaskToken'))
      .map(([n]) => n);

    expect(waiting.sort()).toEqual([...callbackStateNames].sort());
  });

  it('sends a failed phase to on_failure and a lost runner straight to TerminateRunner', () => {
    const install = states.get('RunInstall');
    const catches = install?.Catch as { ErrorEquals: string[]; Next: string }[];

    expect(catches.find((c) => c.ErrorEquals.includes('PhaseFailed'))?.Next).toBe(
      'RunOnFailure',
    );
    expect(catches.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next).toBe(
      'TerminateRunner',
    );
  });

  it('runs on_image_bake after on_success and creates the image after on_finish', () => {
    const requested = states.get('BakeRequested');
    const bakeImage = states.get('BakeImage');
    const choices = (state: typeof requested) =>
      ((state?.Choices ?? []) as { Next: string }[]).map((c) => c.Next);

    expect(states.get('RunOnSuccess')?.Next).toBe('DecideBake');
    expect(states.get('DecideBake')?.Next).toBe('BakeRequested');
    expect(choices(requested)).toEqual(['RunOnImageBake']);
    expect(requested?.Default).toBe('RunOnFinish');
    expect(states.get('RunOnImageBake')?.Next).toBe('RunOnFinish');
    expect(states.get('RunOnFinish')?.Next).toBe('BakeImage');
    expect(choices(bakeImage)).toEqual(['RecordBakeFailed', 'CreateImage']);
    expect(bakeImage?.Default).toBe('TerminateRunner');
    expect(states.get('CreateImage')?.Next).toBe('AwaitImage');
    expect(states.get('AwaitImage')?.Next).toBe('RegisterImage');
    expect(states.get('RegisterImage')?.Next).toBe('ApplyRetention');
    expect(states.get('ApplyRetention')?.Next).toBe('TerminateRunner');
    expect(states.get('RecordBakeFailed')?.Next).toBe('TerminateRunner');
  });

  it('ends every runner of the build when the Map itself fails', () => {
    const map = states.get('RunJobs');
    const catches = map?.Catch as { ErrorEquals: string[]; Next: string }[];

    expect(catches[0]?.Next).toBe(taskStateNames.terminateBuildRunners);
    expect(states.get(taskStateNames.terminateBuildRunners)?.Next).toBe('FinishBuild');
  });

  it('ends the build through FinishBuild when LoadConfig itself fails', () => {
    const catches = states.get(taskStateNames.loadConfig)?.Catch as {
      ErrorEquals: string[];
      Next: string;
      ResultPath: string;
    }[];

    expect(catches).toEqual([
      {
        ErrorEquals: ['States.ALL'],
        Next: taskStateNames.finishBuild,
        ResultPath: '$.configFailure',
      },
    ]);
  });

  it('ends the build through RecordBuildError when FinishBuild itself fails', () => {
    const catches = states.get(taskStateNames.finishBuild)?.Catch;
    const record = states.get(taskStateNames.recordBuildError);

    expect(catches).toEqual([
      {
        ErrorEquals: ['States.ALL'],
        Next: taskStateNames.recordBuildError,
        ResultPath: '$.finishFailure',
      },
    ]);
    expect(states.get(String(record?.Next))).toMatchObject({
      Type: 'Fail',
      Error: 'FinishBuildFailed',
    });
  });
});
