import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { Duration } from 'aws-cdk-lib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeDefinition } from '../../infra/definition.ts';
import { buildStream } from '../../shared/events/catalogue.ts';
import { failLostRunner } from '../../shared/pipeline/runner-lost.ts';
import { motoPipeline } from './moto-pipeline.ts';

type Pipeline = Awaited<ReturnType<typeof motoPipeline>>;

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const twoJobs = yaml(
  'image: Ubuntu2204',
  'environment:',
  '  matrix:',
  '    - FLAVOUR: one',
  '    - FLAVOUR: two',
  'install:',
  '  - make deps',
  'build_script:',
  '  - make',
  'on_finish:',
  '  - echo done',
);
const job = (id: string, lines: string[]) =>
  lines
    .filter((l) => l.split(':')[1] === id)
    .map((l) =>
      l
        .split(':')
        .filter((_, i) => i !== 1)
        .join(':'),
    );

describe('the synthesized pipeline with the EC2 runner fleet on moto', () => {
  let pipeline: Pipeline;
  let lastBuild: string | undefined;
  beforeAll(async () => {
    pipeline = await motoPipeline(synthesizeDefinition());
  });
  afterEach(async () => {
    if (lastBuild) expect(await pipeline.running(lastBuild)).toEqual([]);
    lastBuild = undefined;
  });

  it('runs a two-job matrix to success, each job on its own runner', async () => {
    const { buildId, lines } = await pipeline.build(twoJobs);
    lastBuild = buildId;

    for (const id of ['1', '2']) {
      expect(job(id, lines)).toEqual([
        'RunnerLaunched',
        'PhaseStarted:clone',
        'PhaseFinished:clone:success',
        'PhaseStarted:install',
        'PhaseFinished:install:success',
        'PhaseStarted:build_script',
        'PhaseFinished:build_script:success',
        'PhaseStarted:on_finish',
        'PhaseFinished:on_finish:success',
        'RunnerTerminated',
        'JobFinished:success',
      ]);
    }
    expect(await pipeline.runners(buildId)).toHaveLength(2);
    expect(lines.at(-1)).toBe('BuildFinished:success');
  });

  it('runs on_failure and on_finish after a failing install, bakes nothing, ends the runner', async () => {
    const config = yaml(
      'image: Ubuntu2204',
      'install:',
      '  - make deps',
      'on_failure:',
      '  - echo sorry',
      'on_finish:',
      '  - echo done',
    );

    const { buildId, lines } = await pipeline.build(config, {
      script: (c) => (c.phase === 'install' ? 'failed' : 'succeeded'),
    });
    lastBuild = buildId;

    expect(job('1', lines)).toEqual([
      'RunnerLaunched',
      'PhaseStarted:clone',
      'PhaseFinished:clone:success',
      'PhaseStarted:install',
      'PhaseFinished:install:failed',
      'PhaseStarted:on_failure',
      'PhaseFinished:on_failure:success',
      'PhaseStarted:on_finish',
      'PhaseFinished:on_finish:success',
      'RunnerTerminated',
      'JobFinished:failed',
    ]);
    expect(lines.some((l) => l.startsWith('Bake'))).toBe(false);
    expect(lines.at(-1)).toBe('BuildFinished:failed');
  });

  it('skips the rest of the main phases after `appveyor exit`, keeping the finalizers', async () => {
    const { buildId, lines } = await pipeline.build(
      twoJobs.replace(/ {2}matrix:\n.*\n.*\n/, ''),
      {
        script: (c) => (c.phase === 'install' ? 'appveyor-exit' : 'succeeded'),
      },
    );
    lastBuild = buildId;

    expect(job('1', lines).slice(4)).toEqual([
      'PhaseFinished:install:success',
      'PhaseStarted:on_finish',
      'PhaseFinished:on_finish:success',
      'RunnerTerminated',
      'JobFinished:success',
    ]);
  });

  it('ends the job at once after `exit N` and `exit 0`, without finalizers', async () => {
    const single = twoJobs.replace(/ {2}matrix:\n.*\n.*\n/, '');
    const red = await pipeline.build(single, {
      script: (c) => (c.phase === 'install' ? 'exit-red' : 'succeeded'),
    });
    const green = await pipeline.build(single, {
      script: (c) => (c.phase === 'install' ? 'exit-green' : 'succeeded'),
    });
    lastBuild = green.buildId;

    expect(job('1', red.lines).slice(4)).toEqual([
      'PhaseFinished:install:failed',
      'RunnerTerminated',
      'JobFinished:failed',
    ]);
    expect(job('1', green.lines).slice(4)).toEqual([
      'PhaseFinished:install:success',
      'RunnerTerminated',
      'JobFinished:success',
    ]);
    expect(await pipeline.running(red.buildId)).toEqual([]);
  });

  it('fails the job of a runner that never registers with SSM, after the state retries', async () => {
    const { buildId, lines } = await pipeline.build(
      twoJobs.replace(/ {2}matrix:\n.*\n.*\n/, ''),
      {
        script: () => 'not-ready',
      },
    );
    lastBuild = buildId;

    expect(job('1', lines)).toEqual([
      'RunnerLaunched',
      'PhaseStarted:clone',
      'RunnerTerminated',
      'MessageAdded',
      'JobFinished:failed',
    ]);
    const retried = pipeline.orchestrator
      .eventLog(buildId)
      .filter((e) => e.type === 'StateRetried');
    expect(retried).toHaveLength(12);
  });

  it('ends a runner that disappears mid-phase at once, through its EC2 state change', async () => {
    const { buildId, lines } = await pipeline.build(
      yaml('image: Ubuntu2204', 'install:', '  - sleep 600'),
      {
        script: (c) => (c.phase === 'install' ? 'hang' : 'succeeded'),
        during: async (id) => {
          await pipeline.untilHanging(id, '1', 'install');
          const [runnerId = ''] = await pipeline.runners(id);
          await pipeline.ec2.send(
            new TerminateInstancesCommand({ InstanceIds: [runnerId] }),
          );
          // What EventBridge hands the lost-runner Lambda for that termination.
          await failLostRunner(runnerId, 'shutting-down', pipeline.deps);
        },
      },
    );
    lastBuild = buildId;

    expect(job('1', lines).slice(-4)).toEqual([
      'PhaseStarted:install',
      'RunnerTerminated',
      'MessageAdded',
      'JobFinished:failed',
    ]);
    expect(lines.at(-1)).toBe('BuildFinished:failed');
  });

  it('fails a job whose runner cannot be launched, with no runner left', async () => {
    const { buildId, lines } = await pipeline.build(
      yaml('image: Ubuntu2204', 'install:', '  - make deps'),
      {
        launchFails: 'refused',
      },
    );
    lastBuild = buildId;

    expect(job('1', lines)).toEqual(['MessageAdded', 'JobFinished:failed']);
    expect(await pipeline.runners(buildId)).toEqual([]);
    expect(lines.at(-1)).toBe('BuildFinished:failed');
  });

  it('ends the runner of a job whose LaunchRunner failed after EC2 started it', async () => {
    const { buildId, lines } = await pipeline.build(
      yaml('image: Ubuntu2204', 'install:', '  - make deps'),
      { launchFails: 'after-start' },
    );
    lastBuild = buildId;

    expect(job('1', lines)).toEqual([
      'RunnerTerminated',
      'MessageAdded',
      'JobFinished:failed',
    ]);
    expect(await pipeline.runners(buildId)).toHaveLength(1);
    expect(lines.at(-1)).toBe('BuildFinished:failed');
  });

  it('ends the build as error, saying why, when its config cannot be fetched', async () => {
    const fetchConfig = pipeline.deps.sourceHost.fetchConfig;
    pipeline.deps.sourceHost.fetchConfig = async () => {
      throw Object.assign(new Error('Bad credentials (GET contents/appveyor.yml)'), {
        name: 'HttpError',
      });
    };

    const { buildId, lines } = await pipeline.build(twoJobs).finally(() => {
      pipeline.deps.sourceHost.fetchConfig = fetchConfig;
    });
    lastBuild = buildId;

    expect(lines).toEqual(['BuildRequested', 'MessageAdded', 'BuildFinished:error']);
    const events = await pipeline.deps.events.read(buildStream(buildId));
    const sha = String(events[0]?.data.sha).slice(0, 7);
    expect(events.at(-1)?.data).toEqual({
      status: 'error',
      reason:
        `LoadConfig failed for build ${buildId} (acme/widget at ${sha}): ` +
        'Bad credentials (GET contents/appveyor.yml)',
    });
    expect(pipeline.orchestrator.status(buildId)).toMatchObject({ status: 'succeeded' });
  });

  it('stops a fast_finish matrix when a job fails, ending the other runner', async () => {
    const config = `matrix:\n  fast_finish: true\n${twoJobs}`;

    const { buildId, lines } = await pipeline.build(config, {
      script: (c) => (c.phase === 'install' ? 'hang' : 'succeeded'),
      during: async (id) => {
        await pipeline.until(id, 'PhaseStarted:1:install');
        await pipeline.until(id, 'PhaseStarted:2:install');
        await pipeline.finish(id, '1', 'install', 'failed');
      },
    });
    lastBuild = buildId;

    expect(job('1', lines).slice(-2)).toEqual(['RunnerTerminated', 'JobFinished:failed']);
    expect(job('2', lines).slice(-2)).toEqual([
      'RunnerTerminated',
      'JobFinished:cancelled',
    ]);
    expect(lines.at(-1)).toBe('BuildFinished:failed');
  });
});

describe('the synthesized pipeline with a short phase timeout, on moto', () => {
  it('fails a phase past its timeout and ends its runner', async () => {
    const pipeline = await motoPipeline(
      synthesizeDefinition({ phaseTimeout: Duration.seconds(2) }),
    );

    const { buildId, lines } = await pipeline.build(
      yaml('image: Ubuntu2204', 'install:', '  - sleep 600'),
      {
        script: (c) => (c.phase === 'install' ? 'hang' : 'succeeded'),
      },
    );

    expect(job('1', lines).slice(-4)).toEqual([
      'PhaseStarted:install',
      'RunnerTerminated',
      'MessageAdded',
      'JobFinished:failed',
    ]);
    expect(await pipeline.running(buildId)).toEqual([]);
  });
});
