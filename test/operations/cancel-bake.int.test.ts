import { beforeAll, describe, expect, it } from 'vitest';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import type { ImageStore } from '../../shared/images/ports.ts';
import { ImageRegistry } from '../../shared/images/registry.ts';
import { cancelBuild } from '../../shared/operations/cancel-build.ts';
import { appendToBuild } from '../../shared/pipeline/build-decision.ts';
import { readBuild } from '../../shared/pipeline/build-stream.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import {
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  requestBuild,
} from '../pipeline/support.ts';

const config = 'image: Ubuntu2204\nenvironment:\n  APPVEYOR_BAKE_IMAGE: Tools\n';

/** An AMI store holding one half-made image of job 1, recording deletes. */
function halfMadeStore(deleted: string[]): ImageStore {
  return {
    capture: async () => 'ami-half',
    find: async () => 'ami-half',
    findByBuild: async () => [{ ref: 'ami-half', jobId: '1' }],
    state: async () => ({ state: 'pending' }),
    markVersion: async () => {},
    delete: async (ref) => {
      deleted.push(ref);
    },
  };
}

describe('cancelling a build while it bakes, on DynamoDB Local', () => {
  let tables: PipelineTables;
  beforeAll(async () => {
    tables = await pipelineTables('cancel-bake');
  });

  it('deletes the image the bake half made and records BakeFailed before the end', async () => {
    const deleted: string[] = [];
    const store = halfMadeStore(deleted);
    const usage = { versionsInUse: async () => new Set<number>() };
    const registry = new ImageRegistry({ events: tables.store, store, usage });
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const build = await readBuild(tables.store, buildId);
    await appendToBuild(tables.store, build, () => [
      newEvent('BakeStarted', { jobId: '1', imageName: 'Tools' }),
    ]);
    const orchestrator = { startBuild: async () => {}, stopBuild: async () => {} };

    await cancelBuild(buildId, 'wrong branch', {
      ...deps,
      orchestrator,
      bake: { registry, store },
    });

    const events = await tables.store.read(buildStream(buildId));
    const types = events.map((e) => e.type);
    expect(deleted).toEqual(['ami-half']);
    expect(events.find((e) => e.type === 'BakeFailed')?.data).toEqual({
      jobId: '1',
      imageName: 'Tools',
      reason: 'bake cancelled: wrong branch',
    });
    expect(types.indexOf('BakeFailed')).toBeLessThan(types.indexOf('BuildFinished'));
  });
});
