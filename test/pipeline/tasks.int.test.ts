import { beforeAll, describe, expect, it } from 'vitest';
import { acquireJobSlot } from '../../shared/pipeline/acquire-job-slot.ts';
import { finishBuild } from '../../shared/pipeline/finish-build.ts';
import { finishJob } from '../../shared/pipeline/finish-job.ts';
import { launchRunner } from '../../shared/pipeline/launch-runner.ts';
import { leaseMarginSeconds } from '../../shared/pipeline/lease.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import { runPhase } from '../../shared/pipeline/run-phase.ts';
import { terminateRunner } from '../../shared/pipeline/terminate-runner.ts';
import {
  buildLines,
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  requestBuild,
  stubFleet,
} from './support.ts';

const matrix = `
image: Ubuntu2204
environment:
  matrix:
    - PY: "3.11"
    - PY: "3.12"
install:
  - echo install
build_script:
  - echo build
`;

describe('the pipeline tasks on DynamoDB Local', () => {
  let tables: PipelineTables;
  beforeAll(async () => {
    tables = await pipelineTables('tasks');
  });

  it('loads a config into jobs, numbers the build, and answers a repeat the same', async () => {
    const deps = pipelineDeps(tables, matrix);
    const buildId = await requestBuild(tables.store);

    const first = await loadConfig({ buildId }, deps);
    const again = await loadConfig({ buildId }, deps);

    expect(first).toEqual({
      buildId,
      outcome: 'run',
      jobs: [
        { buildId, jobId: '1' },
        { buildId, jobId: '2' },
      ],
    });
    expect(again).toEqual(first);
    expect(await buildLines(tables.store, buildId)).toEqual([
      'BuildRequested',
      'ConfigLoaded',
      'BuildStarted',
    ]);
  });

  it('rejects a bad config with no job and no build number', async () => {
    const deps = pipelineDeps(tables, 'environment:\n  matrix: 5\n');
    const buildId = await requestBuild(tables.store);

    const loaded = await loadConfig({ buildId }, deps);
    const finished = await finishBuild({ buildId, outcome: loaded.outcome }, deps);

    expect(loaded).toEqual({ buildId, outcome: 'rejected', jobs: [] });
    expect(finished).toEqual({ status: 'failed' });
    expect(await buildLines(tables.store, buildId)).toEqual([
      'BuildRequested',
      'ConfigRejected',
      'BuildFinished:failed',
    ]);
  });

  it('ends as error a build whose LoadConfig failed after it recorded the plan', async () => {
    const deps = pipelineDeps(tables, matrix);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const configFailure = { Error: 'Lambda.Unknown', Cause: 'Task timed out' };

    const finished = await finishBuild({ buildId, configFailure }, deps);

    expect(finished).toEqual({ status: 'error' });
    expect((await buildLines(tables.store, buildId)).slice(-3)).toEqual([
      'JobFinished:1:cancelled',
      'JobFinished:2:cancelled',
      'BuildFinished:error',
    ]);
  });

  it('skips a commit whose title carries [skip ci], recording why', async () => {
    const deps = pipelineDeps(tables, matrix);
    const buildId = await requestBuild(tables.store, 'Docs only [skip ci]');

    const loaded = await loadConfig({ buildId }, deps);
    const finished = await finishBuild({ buildId }, deps);

    expect(loaded.outcome).toBe('skipped');
    expect(finished).toEqual({ status: 'skipped' });
    expect(await buildLines(tables.store, buildId)).toEqual([
      'BuildRequested',
      'BuildSkipped',
    ]);
  });

  it('queues a job over max_jobs once, and lets it run when a slot frees', async () => {
    const deps = pipelineDeps(tables, `max_jobs: 1\n${matrix}`);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);

    const first = await acquireJobSlot({ buildId, jobId: '1' }, deps);
    const second = await acquireJobSlot({ buildId, jobId: '2' }, deps);
    const secondAgain = await acquireJobSlot({ buildId, jobId: '2' }, deps);
    await finishJob({ buildId, jobId: '1' }, deps);
    const secondLater = await acquireJobSlot({ buildId, jobId: '2' }, deps);

    expect([first, second, secondAgain, secondLater].map((s) => s.acquired)).toEqual([
      true,
      false,
      false,
      true,
    ]);
    const lines = await buildLines(tables.store, buildId);
    expect(lines.filter((l) => l.startsWith('JobQueued'))).toEqual(['JobQueued:2']);
    await finishJob({ buildId, jobId: '2' }, deps);
  });

  it('launches a runner that expires a phase timeout and a margin after launch, once per job', async () => {
    const launched: string[] = [];
    const deps = pipelineDeps(tables, matrix, {
      fleet: stubFleet({
        launch: async (spec) => {
          launched.push(spec.expiresAt);
          return 'i-0abc';
        },
      }),
    });
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const image = { name: 'Ubuntu2204', platform: 'linux', ref: 'ami-1', base: true };

    const runner = await launchRunner({ buildId, jobId: '1', image }, deps);
    const again = await launchRunner({ buildId, jobId: '1', image }, deps);

    expect(runner).toEqual({ runnerId: 'i-0abc' });
    expect(again).toEqual(runner);
    // One phase's 600 s and the margin; every phase renews it (see runPhase).
    const lifetimeMs = (600 + leaseMarginSeconds) * 1000;
    const expiry = new Date(Date.parse('2026-12-03T12:00:00.000Z') + lifetimeMs);
    expect(launched).toEqual([expiry.toISOString()]);
  });

  it('completes a phase with no commands at once, without a runner command', async () => {
    const sent: string[] = [];
    const deps = pipelineDeps(tables, matrix, {
      fleet: stubFleet({
        launch: async () => 'i-0def',
        startPhase: async (command) => {
          sent.push(command.phase);
          return `command-${command.phase}`;
        },
      }),
    });
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const image = { name: 'Ubuntu2204', platform: 'linux', ref: 'ami-1', base: true };
    await launchRunner({ buildId, jobId: '1', image }, deps);
    const phase = { buildId, jobId: '1', runnerId: 'i-0def' };

    await runPhase({ ...phase, phase: 'before_test', taskToken: 't-empty' }, deps);
    await runPhase({ ...phase, phase: 'install', taskToken: 't-install' }, deps);

    expect(deps.callbacks.calls).toEqual([
      { token: 't-empty', output: { phase: 'before_test', skipped: true } },
    ]);
    expect(sent).toEqual(['install']);
    expect(await deps.waiting.get('i-0def')).toMatchObject({
      phase: 'install',
      callbackToken: 't-install',
    });
  });

  it('finishes a build green when only an allowed failure failed', async () => {
    const config = `${matrix}matrix:\n  allow_failures:\n    - PY: "3.12"\n`;
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);

    await finishJob({ buildId, jobId: '1' }, deps);
    const job2 = await finishJob(
      { buildId, jobId: '2', failure: { Error: 'PhaseFailed', Cause: 'install failed' } },
      deps,
    );
    const build = await finishBuild({ buildId }, deps);

    expect(job2).toEqual({ status: 'failed', stopMatrix: false });
    expect(build).toEqual({ status: 'success' });
  });

  it('stops the matrix under fast_finish and cancels the jobs that never finished', async () => {
    const deps = pipelineDeps(tables, `matrix:\n  fast_finish: true\n${matrix}`);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);

    const job1 = await finishJob(
      { buildId, jobId: '1', failure: { Error: 'PhaseFailed', Cause: 'install failed' } },
      deps,
    );
    const build = await finishBuild(
      { buildId, matrixFailure: { Error: 'MatrixStopped', Cause: 'fast_finish' } },
      deps,
    );

    expect(job1.stopMatrix).toBe(true);
    expect(build).toEqual({ status: 'failed' });
    expect((await buildLines(tables.store, buildId)).slice(-3)).toEqual([
      'JobFinished:1:failed',
      'JobFinished:2:cancelled',
      'BuildFinished:failed',
    ]);
  });

  it('terminates the runner once, with the failure as the reason', async () => {
    const ended: string[] = [];
    const deps = pipelineDeps(tables, matrix, {
      fleet: stubFleet({
        launch: async () => 'i-0f00',
        terminate: async (runnerId, reason) => {
          ended.push(`${runnerId}: ${reason}`);
        },
      }),
    });
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const state = {
      buildId,
      jobId: '1',
      runner: { runnerId: 'i-0f00' },
      failure: { Error: 'RunnerLost', Cause: 'gone' },
    };

    await terminateRunner(state, deps);
    await terminateRunner(state, deps);
    await terminateRunner({ buildId, jobId: '2' }, deps);

    expect(ended).toEqual(['i-0f00: job ended by RunnerLost']);
    const lines = await buildLines(tables.store, buildId);
    expect(lines.filter((l) => l.startsWith('RunnerTerminated'))).toEqual([
      'RunnerTerminated:1',
    ]);
  });
});
