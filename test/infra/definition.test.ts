import aslValidator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeDefinition } from '../../infra/definition.ts';
import {
  callbackStateNames,
  pipelineTasks,
  taskStateNames,
} from '../../shared/pipeline/index.ts';
import type { JobState } from '../../shared/pipeline/inputs.ts';
import type { LoadConfigOutput } from '../../shared/pipeline/load-config.ts';

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

  it('keeps the state of a 40-job matrix far below the 256 KB payload limit', () => {
    const buildId = '01JFZ8Q4X7T3M9N2B5C6D8E0FG';
    const jobs = Array.from({ length: 40 }, (_, i) => ({
      buildId,
      jobId: String(i + 1),
    }));
    const afterLoadConfig: LoadConfigOutput = { buildId, outcome: 'run', jobs };
    const cause = `Phase install of job 40 in build ${buildId} ended failed; log: ${'x'.repeat(200)}`;
    const job: JobState & Record<string, unknown> = {
      buildId,
      jobId: '40',
      slot: { acquired: true },
      image: {
        name: 'Ubuntu2204',
        platform: 'linux',
        ref: 'ami-0123456789abcdef0',
        base: true,
      },
      runner: { runnerId: 'i-0123456789abcdef0' },
      failure: { Error: 'PhaseFailed', Cause: cause },
      finalizeFailure: { Error: 'PhaseFailed', Cause: cause },
    };

    const mapInput = Buffer.byteLength(JSON.stringify(afterLoadConfig));
    const jobState = Buffer.byteLength(JSON.stringify(job));

    expect(mapInput).toBeLessThan(4 * 1024);
    expect(jobState).toBeLessThan(2 * 1024);
  });
});
