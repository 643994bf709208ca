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
});
