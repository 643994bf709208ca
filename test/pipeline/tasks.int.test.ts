import { beforeAll, describe, expect, it } from 'vitest';
import { buildStream, isEvent } from '../../shared/events/catalogue.ts';
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
      // No test_script and test not off: automatic test discovery is not run.
      'MessageAdded',
      'ConfigLoaded',
      'BuildStarted',
    ]);
  });

  it('records each key the build will not run as a located information message', async () => {
    const config = [
      'image: Ubuntu2204',
      'test: off',
      'cache:',
      '  - node_modules',
      'notifications:',
      '  - provider: Slack',
      'build_script:',
      '  - echo build',
      'deploy:',
      '  - provider: GitHub',
      '  - provider: NuGet',
    ].join('\n');
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);

    await loadConfig({ buildId }, deps);

    const events = await tables.store.read(buildStream(buildId));
    const messages = events.flatMap((e) => (isEvent(e, 'MessageAdded') ? [e.data] : []));
    expect(messages).toEqual([
      {
        level: 'information',
        message:
          'appveyor.yml: cache entries are not restored or saved by Bakehouse (Line: 3, Column: 1)',
      },
      {
        level: 'information',
        message:
          'appveyor.yml: notifications are not sent by Bakehouse (Line: 5, Column: 1)',
      },
      {
        level: 'information',
        message:
          'appveyor.yml: Deployment provider "GitHub" is not run: deployments are out of scope (Line: 10, Column: 5)',
      },
      {
        level: 'information',
        message:
          'appveyor.yml: Deployment provider "NuGet" is not run: deployments are out of scope (Line: 11, Column: 5)',
      },
    ]);
  });

  it('expands the version format case-insensitively, as validate does', async () => {
    const deps = pipelineDeps(tables, `version: 2.{BUILD}-{Branch}\n${matrix}`);
    const buildId = await requestBuild(tables.store);

    await loadConfig({ buildId }, deps);

    const events = await tables.store.read(buildStream(buildId));
    const started = events.flatMap((e) => (isEvent(e, 'BuildStarted') ? [e.data] : []));
    expect(started).toHaveLength(1);
    expect(started[0]?.version).toBe(`2.${started[0]?.number}-main`);
  });

  it('skips a commit that has no appveyor.yml, recording why', async () => {
    const deps = pipelineDeps(tables, undefined);
    const buildId = await requestBuild(tables.store);

    const loaded = await loadConfig({ buildId }, deps);

    expect(loaded).toEqual({ buildId, outcome: 'skipped', jobs: [] });
    expect(await buildLines(tables.store, buildId)).toEqual([
      'BuildRequested',
      'BuildSkipped',
    ]);
  });

  it('rejects a config over 128 KB with a located error, keeping its text out of the events', async () => {
    const config = `install:\n${'  - echo 0123456789abcdef\n'.repeat(6000)}`;
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);

    const loaded = await loadConfig({ buildId }, deps);

    expect(loaded.outcome).toBe('rejected');
    const events = await tables.store.read(buildStream(buildId));
    const rejected = events.flatMap((e) =>
      isEvent(e, 'ConfigRejected') ? [e.data] : [],
    );
    expect(rejected[0]?.errors).toEqual([
      {
        message: expect.stringMatching(
          /^Error parsing appveyor\.yml: The config is 153 KB, over the 128 KB Bakehouse reads; the limit falls here \(Line: \d+, Column: \d+\)$/,
        ),
        line: 5042,
        column: 24,
      },
    ]);
    expect(JSON.stringify(events).length).toBeLessThan(10_000);
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

  it("runs after_test for a job with artifacts, with the job's upload target, even with no command", async () => {
    const sent: string[] = [];
    const targets: unknown[] = [];
    const config = 'image: Ubuntu2204\nartifacts:\n  - path: dist\\*.whl\n';
    const deps = pipelineDeps(tables, config, {
      fleet: stubFleet({
        launch: async () => 'i-0art',
        startPhase: async (command) => {
          sent.push(command.phase);
          return `command-${command.phase}`;
        },
      }),
      generatePhaseScript: async (request) => {
        targets.push(request.artifactUpload);
        return { shell: 'bash', script: 'true' };
      },
    });
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);
    const image = { name: 'Ubuntu2204', platform: 'linux', ref: 'ami-1', base: true };
    await launchRunner({ buildId, jobId: '1', image }, deps);

    await runPhase(
      { buildId, jobId: '1', runnerId: 'i-0art', phase: 'after_test', taskToken: 't-a' },
      deps,
    );

    expect(sent).toEqual(['after_test']);
    expect(targets).toEqual([
      { kind: 'folder', folder: `/tmp/bakehouse-pipeline-artifacts/${buildId}/1` },
    ]);
    expect(deps.callbacks.calls).toEqual([]);
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

  it('fails a build whose every job may fail when one of them fails', async () => {
    const config = `${matrix}matrix:\n  allow_failures:\n    - image: Ubuntu2204\n`;
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);

    await finishJob({ buildId, jobId: '1' }, deps);
    await finishJob(
      { buildId, jobId: '2', failure: { Error: 'PhaseFailed', Cause: 'install failed' } },
      deps,
    );
    const build = await finishBuild({ buildId }, deps);

    expect(build).toEqual({ status: 'failed' });
  });

  it('finishes a build green when every job may fail and none failed', async () => {
    const config = `${matrix}matrix:\n  allow_failures:\n    - image: Ubuntu2204\n`;
    const deps = pipelineDeps(tables, config);
    const buildId = await requestBuild(tables.store);
    await loadConfig({ buildId }, deps);

    await finishJob({ buildId, jobId: '1' }, deps);
    await finishJob({ buildId, jobId: '2' }, deps);

    expect(await finishBuild({ buildId }, deps)).toEqual({ status: 'success' });
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
