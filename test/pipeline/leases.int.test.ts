import { beforeAll, describe, expect, it } from 'vitest';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import { acquireJobSlot } from '../../shared/pipeline/acquire-job-slot.ts';
import { launchRunner } from '../../shared/pipeline/launch-runner.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import { runPhase } from '../../shared/pipeline/run-phase.ts';
import {
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  requestBuild,
  stubFleet,
} from './support.ts';

const config = `
image: Ubuntu2204
max_jobs: 1
environment:
  matrix:
    - FLAVOUR: one
    - FLAVOUR: two
install:
  - make deps
on_finish:
  - echo done
`;
const image = { name: 'Ubuntu2204', platform: 'linux', ref: 'ami-1', base: true };
const at = (time: string) => new Date(`2026-12-03T${time}.000Z`);

/**
 * Tasks at a time the test moves, with the settings of support.ts: phases of
 * 600 s, a bake of 1,800 s, and the 15-minute margin on top of either.
 */
function clockedDeps(tables: PipelineTables) {
  let now = at('12:00:00');
  const renewals: string[] = [];
  const deps = pipelineDeps(tables, config, {
    fleet: stubFleet({
      launch: async () => 'i-0lease',
      renewExpiry: async (_runnerId, expiresAt) => {
        renewals.push(expiresAt);
      },
    }),
    now: () => now,
  });

  return { deps, renewals, setTime: (time: string) => (now = at(time)) };
}

describe("a job's lease on its runner and its slot", () => {
  let tables: PipelineTables;
  beforeAll(async () => {
    tables = await pipelineTables('leases');
  });

  it('is renewed at each phase start, so a running job keeps its slot', async () => {
    const { deps, renewals, setTime } = clockedDeps(tables);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const first = await acquireJobSlot({ buildId, jobId: '1' }, deps);
    await launchRunner({ buildId, jobId: '1', image }, deps);

    setTime('12:20:00');
    const phase = { buildId, jobId: '1', runnerId: 'i-0lease' };
    await runPhase({ ...phase, phase: 'install', taskToken: 't-install' }, deps);
    // Past the lease taken with the slot (12:25), within the renewed one (12:45).
    setTime('12:30:00');
    const second = await acquireJobSlot({ buildId, jobId: '2' }, deps);

    expect([first.acquired, second.acquired]).toEqual([true, false]);
    expect(renewals).toEqual(['2026-12-03T12:45:00.000Z']);
    await deps.slots.releaseBuild(buildId);
  });

  it('covers the bake too, from the first phase after the job decided to bake', async () => {
    const { deps, renewals, setTime } = clockedDeps(tables);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    await launchRunner({ buildId, jobId: '1', image }, deps);
    const bake = newEvent('BakeStarted', { jobId: '1', imageName: 'widget-tools' });
    await tables.store.commit({
      appends: [
        {
          streamId: buildStream(buildId),
          expectedVersion: await tables.store.version(buildStream(buildId)),
          events: [bake],
        },
      ],
    });

    setTime('12:40:00');
    const phase = { buildId, jobId: '1', runnerId: 'i-0lease' };
    await runPhase({ ...phase, phase: 'on_finish', taskToken: 't-finish' }, deps);

    // 600 s of on_finish, 1,800 s of bake, 900 s of margin.
    expect(renewals).toEqual(['2026-12-03T13:35:00.000Z']);
  });
});
