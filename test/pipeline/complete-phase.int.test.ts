import { beforeAll, describe, expect, it } from 'vitest';
import { completePhase } from '../../shared/pipeline/complete-phase.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import type { PhaseResult } from '../../shared/ports/runner-fleet.ts';
import {
  buildLines,
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  racingStore,
  requestBuild,
} from './support.ts';

const config = 'image: Ubuntu2204\nbuild_script:\n  - echo build\n';

/** The result of job 1's build_script, succeeded, reporting what `report` adds. */
function buildScriptResult(
  buildId: string,
  report: Partial<PhaseResult> = {},
): PhaseResult {
  return {
    buildId,
    jobId: '1',
    phase: 'build_script',
    callbackToken: `${buildId}/1/build_script`,
    outcome: 'succeeded',
    exitCode: 0,
    durationMs: 42,
    variables: {},
    messages: [],
    logPointer: 'logs/build_script.log',
    ...report,
  };
}

describe("recording a phase's result, on DynamoDB Local", () => {
  let tables: PipelineTables;
  beforeAll(async () => {
    tables = await pipelineTables('complete-phase');
  });

  it('records one PhaseFinished when the same result is delivered twice at once', async () => {
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const racing = { ...deps, events: racingStore(tables.store, 2) };
    const result = buildScriptResult(buildId, {
      messages: [{ category: 'Warning', message: 'slow disk' }],
    });

    await Promise.all([completePhase(result, racing), completePhase(result, racing)]);

    const lines = await buildLines(tables.store, buildId);
    expect(lines.filter((l) => l.startsWith('PhaseFinished'))).toEqual([
      'PhaseFinished:1:build_script:success',
    ]);
    expect(lines.filter((l) => l.startsWith('MessageAdded:1'))).toHaveLength(1);
  });

  it('records 100 pushed artifacts and a few messages in parts, PhaseFinished last', async () => {
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const result = buildScriptResult(buildId, {
      variables: { VERSION: '1.2.3' },
      messages: [1, 2, 3].map((n) => ({ category: 'Information', message: `m${n}` })),
      artifacts: Array.from({ length: 100 }, (_, n) => pushed(`bin/file-${n}.txt`)),
    });

    await completePhase(result, deps);
    // A delivery repeated after every part was recorded records nothing again.
    await completePhase(result, deps);

    const lines = await buildLines(tables.store, buildId);
    const recorded = lines.slice(lines.indexOf('VariableSet:1'));
    expect(recorded.filter((l) => l.startsWith('ArtifactPushed'))).toHaveLength(100);
    expect(recorded.filter((l) => l.startsWith('MessageAdded'))).toHaveLength(3);
    expect(recorded.at(-1)).toBe('PhaseFinished:1:build_script:success');
    expect(lines.filter((l) => l.startsWith('PhaseFinished'))).toHaveLength(1);
    expect(deps.callbacks.calls.map((c) => c.error ?? 'succeeded')).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });

  it('records a 100 KB AddMessage cut to 4 KB, saying so', async () => {
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const message = 'y'.repeat(100 * 1024);

    await completePhase(
      buildScriptResult(buildId, { messages: [{ category: 'Warning', message }] }),
      deps,
    );

    const events = await tables.store.read(`build-${buildId}`);
    const added = events.filter((e) => e.type === 'MessageAdded').at(-1);
    expect(added?.data).toMatchObject({
      jobId: '1',
      message: `${'y'.repeat(4096)}… [Bakehouse kept the first 4096 of 102400 bytes]`,
    });
    expect(deps.callbacks.calls).toEqual([
      expect.objectContaining({
        token: `${buildId}/1/build_script`,
        output: expect.anything(),
      }),
    ]);
  });

  it('fails the task, saying why, when the result cannot be recorded', async () => {
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const broken = {
      ...deps,
      events: {
        read: deps.events.read.bind(deps.events),
        commit: async () => {
          throw new Error('the events table is gone');
        },
      },
    };

    await completePhase(buildScriptResult(buildId), broken);

    expect(deps.callbacks.calls).toEqual([
      {
        token: `${buildId}/1/build_script`,
        error: 'PhaseNotRecorded',
        cause: expect.stringMatching(
          /phase build_script of job 1 .* could not be recorded: the events table is gone/,
        ),
      },
    ]);
  });

  it('fails the task, saying why, when the build cannot even be read (a full disk)', async () => {
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const broken = {
      ...deps,
      events: {
        read: async () => {
          throw new Error('InternalFailure: the disk is full');
        },
        commit: deps.events.commit.bind(deps.events),
      },
    };

    await completePhase(buildScriptResult(buildId), broken);

    expect(deps.callbacks.calls).toEqual([
      {
        token: `${buildId}/1/build_script`,
        error: 'PhaseNotRecorded',
        cause: expect.stringMatching(
          /could not be recorded: InternalFailure: the disk is full/,
        ),
      },
    ]);
  });
});

/** A file the phase pushed, as the runner reports it. */
function pushed(fileName: string) {
  return { fileName, type: 'Auto', size: 1, path: fileName };
}
