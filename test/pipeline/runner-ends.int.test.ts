import { beforeAll, describe, expect, it } from 'vitest';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import { launchRunner } from '../../shared/pipeline/launch-runner.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import { terminateBuildRunners } from '../../shared/pipeline/terminate-build-runners.ts';
import { terminateRunner } from '../../shared/pipeline/terminate-runner.ts';
import type { FleetRunner, RunnerSpec } from '../../shared/ports/runner-fleet.ts';
import {
  buildLines,
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  requestBuild,
  stubFleet,
} from './support.ts';

const twoJobs = `
image: Ubuntu2204
environment:
  matrix:
    - FLAVOUR: one
    - FLAVOUR: two
install:
  - make deps
`;
const image = { name: 'Ubuntu2204', platform: 'linux', ref: 'ami-1', base: true };

/** A fleet that knows some runners by their tags and remembers what it ended. */
function taggedFleet(runners: FleetRunner[]) {
  const ended: string[] = [];
  const launched: RunnerSpec[] = [];
  const fleet = stubFleet({
    launch: async (spec) => {
      launched.push(spec);
      return 'i-0new';
    },
    findRunners: async ({ buildId, jobId }) =>
      runners.filter(
        (r) =>
          r.buildId === buildId &&
          (jobId === undefined || r.jobId === jobId) &&
          !ended.includes(r.runnerId),
      ),
    terminate: async (runnerId) => {
      ended.push(runnerId);
    },
  });

  return { fleet, ended, launched };
}

describe('ending runners the build stream does not know', () => {
  let tables: PipelineTables;
  beforeAll(async () => {
    tables = await pipelineTables('runner-ends');
  });

  it('ends the runner of a job whose LaunchRunner failed after EC2 started it', async () => {
    const buildId = await requestBuild(tables.store);
    const { fleet, ended } = taggedFleet([
      { runnerId: 'i-0orphan', buildId, jobId: '1' },
    ]);
    const deps = pipelineDeps(tables, twoJobs, { fleet });
    await loadConfig({ buildId }, deps);

    // The state after LaunchRunner's Catch: a failure, no runner.
    const failure = { Error: 'Lambda.Unknown', Cause: 'Task timed out' };
    await terminateRunner({ buildId, jobId: '1', failure }, deps);

    expect(ended).toEqual(['i-0orphan']);
    expect((await buildLines(tables.store, buildId)).at(-1)).toBe('RunnerTerminated:1');
  });

  it("ends a build's runners found by its tag when the Map fails, recorded or not", async () => {
    const buildId = await requestBuild(tables.store);
    const { fleet, ended } = taggedFleet([
      { runnerId: 'i-0one', buildId, jobId: '1' },
      // Job 2's LaunchRunner was still running: EC2 has it, the stream not yet.
      { runnerId: 'i-0two', buildId, jobId: '2' },
    ]);
    const deps = pipelineDeps(tables, twoJobs, { fleet });
    await loadConfig({ buildId }, deps);
    const launched = newEvent('RunnerLaunched', {
      jobId: '1',
      runnerId: 'i-0one',
      image: { name: 'Ubuntu2204', ref: 'ami-1' },
    });
    await tables.store.commit({
      appends: [
        {
          streamId: buildStream(buildId),
          expectedVersion: await tables.store.version(buildStream(buildId)),
          events: [launched],
        },
      ],
    });

    const matrixFailure = { Error: 'MatrixStopped', Cause: 'fast_finish' };
    const answer = await terminateBuildRunners({ buildId, matrixFailure }, deps);

    expect(answer.terminated.sort()).toEqual(['i-0one', 'i-0two']);
    expect(ended.sort()).toEqual(['i-0one', 'i-0two']);
    const lines = await buildLines(tables.store, buildId);
    expect(lines.filter((l) => l.startsWith('RunnerTerminated')).sort()).toEqual([
      'RunnerTerminated:1',
      'RunnerTerminated:2',
    ]);
  });

  it('ends at once a runner that started after its build finished', async () => {
    const buildId = await requestBuild(tables.store);
    const { fleet, ended } = taggedFleet([]);
    const deps = pipelineDeps(tables, twoJobs, { fleet });
    await loadConfig({ buildId }, deps);
    // The build was cancelled (or its Map stopped) while LaunchRunner ran.
    const finished = newEvent('BuildFinished', { status: 'cancelled', reason: 'x' });
    await tables.store.commit({
      appends: [
        {
          streamId: buildStream(buildId),
          expectedVersion: await tables.store.version(buildStream(buildId)),
          events: [finished],
        },
      ],
    });

    const launching = launchRunner({ buildId, jobId: '1', image }, deps);

    await expect(launching).rejects.toThrow(
      `Build ${buildId}: job 1: the build finished while its runner launched; ` +
        'runner i-0new ended',
    );
    expect(ended).toEqual(['i-0new']);
    expect(await buildLines(tables.store, buildId)).not.toContain('RunnerLaunched:1');
  });

  it('launches the runner of a pull request from a fork as unable to decrypt', async () => {
    const fork = { number: 7, fromFork: true };
    const forkBuild = await requestBuild(tables.store, 'Fix', 'c'.repeat(40), fork);
    const ownBuild = await requestBuild(tables.store, 'Fix', 'd'.repeat(40), {
      number: 8,
      fromFork: false,
    });
    const { fleet, launched } = taggedFleet([]);
    const deps = pipelineDeps(tables, twoJobs, { fleet });

    for (const buildId of [forkBuild, ownBuild]) {
      await loadConfig({ buildId }, deps);
      await launchRunner({ buildId, jobId: '1', image }, deps);
    }

    expect(launched.map((spec) => spec.fromFork)).toEqual([true, false]);
  });
});
