import { beforeAll, describe, expect, it } from 'vitest';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import type { ImageStore } from '../../shared/images/ports.ts';
import { ImageRegistry } from '../../shared/images/registry.ts';
import { appendToBuild } from '../../shared/pipeline/build-decision.ts';
import { readBuild } from '../../shared/pipeline/build-stream.ts';
import type { PhaseScriptRequest } from '../../shared/pipeline/deps.ts';
import { launchRunner } from '../../shared/pipeline/launch-runner.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import { runPhase } from '../../shared/pipeline/run-phase.ts';
import { terminateBuildRunners } from '../../shared/pipeline/terminate-build-runners.ts';
import {
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  requestBuild,
} from './support.ts';

const matrix = `
image: Ubuntu2204
environment:
  matrix:
    - PY: "3.11"
    - PY: "3.12"
install:
  - echo install
`;

describe('the phases of a baking job on DynamoDB Local', () => {
  let tables: PipelineTables;
  beforeAll(async () => {
    tables = await pipelineTables('bake-phases');
  });

  it("runs a baking job's on_finish, even empty, as the last phase before the image", async () => {
    const requests: PhaseScriptRequest[] = [];
    const deps = pipelineDeps(tables, matrix, {
      generatePhaseScript: async (request) => {
        requests.push(request);

        return { shell: 'bash', script: 'true' };
      },
    });
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const image = { name: 'Ubuntu2204', platform: 'linux', ref: 'ami-1', base: true };
    for (const jobId of ['1', '2']) await launchRunner({ buildId, jobId, image }, deps);
    const build = await readBuild(tables.store, buildId);
    await appendToBuild(tables.store, build, () => [
      newEvent('BakeStarted', { jobId: '1', imageName: 'Tools' }),
    ]);
    const onFinish = (jobId: string) => ({
      buildId,
      jobId,
      runnerId: 'i-0123',
      phase: 'on_finish',
      taskToken: `t-${jobId}`,
    });

    await runPhase(onFinish('1'), deps);
    await runPhase(onFinish('2'), deps);

    expect(requests.map((r) => [r.job.id, r.phase, r.imageFollows])).toEqual([
      ['1', 'on_finish', true],
    ]);
    expect(deps.callbacks.calls).toEqual([
      { token: 't-2', output: { phase: 'on_finish', skipped: true } },
    ]);
  });

  it('deletes what a bake the Map stopped half made, when TerminateBuildRunners sweeps', async () => {
    const deleted: string[] = [];
    const store: ImageStore = {
      capture: async () => 'ami-half',
      find: async () => 'ami-half',
      findByBuild: async () => [{ ref: 'ami-half', jobId: '1' }],
      state: async () => ({ state: 'pending' }),
      markVersion: async () => {},
      delete: async (ref) => {
        deleted.push(ref);
      },
    };
    const usage = { versionsInUse: async () => new Set<number>() };
    const registry = new ImageRegistry({ events: tables.store, store, usage });
    const base = pipelineDeps(tables, matrix);
    const deps = { ...base, bake: { ...base.bake, registry, store } };
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const build = await readBuild(tables.store, buildId);
    await appendToBuild(tables.store, build, () => [
      newEvent('BakeStarted', { jobId: '1', imageName: 'Tools' }),
    ]);
    const matrixFailure = { Error: 'MatrixStopped', Cause: 'fast_finish' };

    await terminateBuildRunners({ buildId, matrixFailure }, deps);

    const events = await tables.store.read(buildStream(buildId));
    expect(deleted).toEqual(['ami-half']);
    expect(events.find((e) => e.type === 'BakeFailed')?.data).toEqual({
      jobId: '1',
      imageName: 'Tools',
      reason: "bake stopped: the build's jobs stopped: MatrixStopped",
    });
  });
});
