import { beforeAll, describe, expect, it } from 'vitest';
import { cancelBuild } from '../../shared/operations/cancel-build.ts';
import { finishBuild } from '../../shared/pipeline/finish-build.ts';
import { finishJob } from '../../shared/pipeline/finish-job.ts';
import { launchRunner } from '../../shared/pipeline/launch-runner.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import { terminateRunner } from '../../shared/pipeline/terminate-runner.ts';
import {
  buildLines,
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  racingStore,
  requestBuild,
  stubFleet,
} from '../pipeline/support.ts';

const matrix = `
image: Ubuntu2204
environment:
  matrix:
    - PY: "3.11"
    - PY: "3.12"
build_script:
  - echo build
`;

const image = { name: 'Ubuntu2204', platform: 'linux', ref: 'ami-1', base: true };
const orchestrator = { startBuild: async () => {}, stopBuild: async () => {} };

/** The lines of the build's terminal events: ends of runners, jobs and the build. */
async function endLines(tables: PipelineTables, buildId: string): Promise<string[]> {
  const lines = await buildLines(tables.store, buildId);

  return lines.filter((l) => /^(RunnerTerminated|JobFinished|BuildFinished)/.test(l));
}

describe('commands that race to end one build, on DynamoDB Local', () => {
  let tables: PipelineTables;
  beforeAll(async () => {
    tables = await pipelineTables('concurrent-cancel');
  });

  /** A running build of two jobs, each with its runner (`i-1`, `i-2`). */
  async function runningBuild() {
    const deps = pipelineDeps(tables, matrix, {
      fleet: stubFleet({ launch: async (spec) => `i-${spec.jobId}` }),
    });
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    await launchRunner({ buildId, jobId: '1', image }, deps);
    await launchRunner({ buildId, jobId: '2', image }, deps);

    return { deps, buildId };
  }

  it('records the end of ten cancels at once a single time; nine answer already cancelled', async () => {
    const { deps, buildId } = await runningBuild();
    const events = racingStore(tables.store, 10);

    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        cancelBuild(buildId, 'wrong branch', { ...deps, events, orchestrator }),
      ),
    );

    expect(outcomes.filter((o) => !o.alreadyCancelled)).toHaveLength(1);
    expect(outcomes.filter((o) => o.alreadyCancelled)).toHaveLength(9);
    expect(await endLines(tables, buildId)).toEqual([
      'RunnerTerminated:1',
      'RunnerTerminated:2',
      'JobFinished:1:cancelled',
      'JobFinished:2:cancelled',
      'BuildFinished:cancelled',
    ]);
  });

  it("keeps a cancel's end when FinishJob, TerminateRunner and FinishBuild race it", async () => {
    const { deps, buildId } = await runningBuild();
    const events = racingStore(tables.store, 4);
    const racing = { ...deps, events };
    const job = { buildId, jobId: '1', runner: { runnerId: 'i-1' } };

    const [cancelled, , , finished] = await Promise.all([
      cancelBuild(buildId, 'wrong branch', { ...racing, orchestrator }).catch(
        (error: Error) => error.message,
      ),
      finishJob(job, racing),
      terminateRunner(job, racing),
      finishBuild({ buildId }, racing),
    ]);

    const lines = await endLines(tables, buildId);
    expect(lines.filter((l) => l.startsWith('BuildFinished'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('JobFinished:1'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('JobFinished:2'))).toHaveLength(1);
    expect(lines.filter((l) => l === 'RunnerTerminated:1')).toHaveLength(1);
    // Whichever recorded first, the other command answers the end that stands.
    const end = lines.find((l) => l.startsWith('BuildFinished'));
    expect(end).toBe(`BuildFinished:${finished.status}`);
    if (typeof cancelled === 'string') {
      expect(cancelled).toMatch(`already finished as ${finished.status}`);
    } else {
      expect(finished.status).toBe('cancelled');
    }
  });
});
