import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isEvent } from '../../shared/events/catalogue.ts';
import type { StoredEvent } from '../../shared/events/store.ts';
import { eventLines, jobLines, localPipeline } from './pipeline-harness.ts';

let pipeline: Awaited<ReturnType<typeof localPipeline>>;

beforeAll(async () => {
  pipeline = await localPipeline({ phaseTimeoutSeconds: 3 });
});

afterAll(async () => {
  await pipeline.close();
});

afterEach(() => {
  expect(pipeline.runnerFolders()).toEqual([]);
  expect(pipeline.leftProcesses()).toEqual([]);
});

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

function logOf(events: readonly StoredEvent[], jobId: string, phase: string): string {
  const finished = events.find(
    (e) => e.type === 'PhaseFinished' && e.data.jobId === jobId && e.data.phase === phase,
  );

  return readFileSync(String(finished?.data.logPointer), 'utf8');
}

const cloned = ['RunnerLaunched', 'PhaseStarted:clone', 'PhaseFinished:clone:success'];

describe('the synthesized pipeline, run locally with real bash runners', () => {
  it('runs a two-job matrix to success, each job on its own runner', async () => {
    const config = yaml(
      'image: Ubuntu2204',
      'environment:',
      '  matrix:',
      '    - FLAVOUR: one',
      '    - FLAVOUR: two',
      'install:',
      '  - echo "installing $FLAVOUR in $PWD"',
      'build_script:',
      '  - appveyor SetVariable -Name BUILT -Value "$FLAVOUR"',
      'test_script:',
      '  - test "$BUILT" = "$FLAVOUR" && cat appveyor.yml > /dev/null',
      'on_finish:',
      '  - echo finished',
    );

    const { events } = await pipeline.build(config);

    for (const jobId of ['1', '2']) {
      expect(jobLines(events, jobId)).toEqual([
        ...cloned,
        'PhaseStarted:install',
        'PhaseFinished:install:success',
        'PhaseStarted:build_script',
        'VariableSet',
        'PhaseFinished:build_script:success',
        'PhaseStarted:test_script',
        'PhaseFinished:test_script:success',
        'PhaseStarted:on_finish',
        'PhaseFinished:on_finish:success',
        'RunnerTerminated',
        'JobFinished:success',
      ]);
    }
    expect(logOf(events, '1', 'install')).toMatch(
      /installing one in .*\/projects\/widget/,
    );
    expect(logOf(events, '2', 'install')).toContain('installing two');
    expect(eventLines(events).at(-1)).toBe('BuildFinished:success');
  });

  it('records what a job pushes and what artifacts: names, in the phases that stored them', async () => {
    const config = yaml(
      'image: Ubuntu2204',
      'build_script:',
      '  - printf built > app.bin && appveyor PushArtifact app.bin -DeploymentName App',
      'artifacts:',
      '  - path: appveyor.yml',
      '    name: Config',
    );

    const { buildId, events } = await pipeline.build(config);

    expect(jobLines(events, '1')).toEqual([
      ...cloned,
      'PhaseStarted:build_script',
      'ArtifactPushed',
      'PhaseFinished:build_script:success',
      'PhaseStarted:after_test',
      'ArtifactPushed',
      'PhaseFinished:after_test:success',
      'RunnerTerminated',
      'JobFinished:success',
    ]);
    const stored = join(pipeline.stateFolder, 'artifacts', buildId, '1');
    expect(readFileSync(join(stored, 'app.bin'), 'utf8')).toBe('built');
    expect(readFileSync(join(stored, 'appveyor.yml'), 'utf8')).toBe(config);
  });

  it('runs on_failure and on_finish after a failing install, and bakes nothing', async () => {
    const config = yaml(
      'image: Ubuntu2204',
      'environment:',
      '  APPVEYOR_BAKE_IMAGE: widget-tools',
      'install:',
      '  - echo about to fail',
      '  - false',
      'build_script:',
      '  - echo never built',
      'on_failure:',
      '  - echo "the install failed"',
      'on_finish:',
      '  - echo finished',
    );

    const { events } = await pipeline.build(config);

    expect(jobLines(events, '1')).toEqual([
      ...cloned,
      'PhaseStarted:install',
      'PhaseFinished:install:failed',
      'PhaseStarted:on_failure',
      'PhaseFinished:on_failure:success',
      'PhaseStarted:on_finish',
      'PhaseFinished:on_finish:success',
      'RunnerTerminated',
      // Why the job did not bake: it failed.
      'MessageAdded',
      'JobFinished:failed',
    ]);
    expect(logOf(events, '1', 'install')).toContain('Command exited with code 1');
    expect(eventLines(events).some((line) => line.startsWith('Bake'))).toBe(false);
    expect(eventLines(events).at(-1)).toBe('BuildFinished:failed');
  });

  it('kills a phase past its timeout and ends the job', async () => {
    const config = yaml(
      'image: Ubuntu2204',
      'install:',
      '  - sleep 30',
      'build_script:',
      '  - echo never',
    );

    const { events, elapsedMs } = await pipeline.build(config);

    const job = jobLines(events, '1');
    expect(job).toContain('PhaseFinished:install:timedOut');
    expect(job).not.toContain('PhaseStarted:build_script');
    expect(job.slice(-3)).toEqual([
      'RunnerTerminated',
      'MessageAdded',
      'JobFinished:failed',
    ]);
    expect(messagesOf(events).join('\n')).toMatch(/install .* timed-out|Timeout/);
    expect(logOf(events, '1', 'install')).toContain('killed after its timeout of 3 s');
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('fails the job at once when its runner dies mid-phase', async () => {
    const config = yaml(
      'image: Ubuntu2204',
      'install:',
      '  - sleep 30',
      'on_finish:',
      '  - echo finished',
    );

    const { events, elapsedMs } = await pipeline.build(config, async (buildId) => {
      await pipeline.until(buildId, 'PhaseStarted:1:install');
      const [group] = pipeline.fleet.runningProcessGroups();
      process.kill(-(group as number), 'SIGKILL');
    });

    const job = jobLines(events, '1');
    expect(job).toContain('PhaseFinished:install:failed');
    expect(job.slice(-3)).toEqual([
      'RunnerTerminated',
      'MessageAdded',
      'JobFinished:failed',
    ]);
    expect(messagesOf(events).join('\n')).toContain('RunnerLost');
    expect(elapsedMs).toBeLessThan(20_000);
    expect(eventLines(events).at(-1)).toBe('BuildFinished:failed');
  });

  it('fails a job whose runner the local fleet refuses to launch, leaving nothing', async () => {
    const config = yaml('image: Visual Studio 2019', 'build_script:', '  - echo never');

    const { buildId, events } = await pipeline.build(config);

    expect(jobLines(events, '1').slice(-2)).toEqual([
      'MessageAdded',
      'JobFinished:failed',
    ]);
    expect(jobLines(events, '1')).not.toContain('RunnerLaunched');
    expect(messagesOf(events)).toContain(
      `Image 'Visual Studio 2019' of job 1 in build ` +
        `${buildId} is a Windows image: Windows runners cannot run locally, only ` +
        'Linux images can.',
    );
    expect(eventLines(events).at(-1)).toBe('BuildFinished:failed');
    expect(pipeline.fleet.runnerIds()).toEqual([]);
  });

  it('stops the other jobs of a fast_finish matrix when one fails', async () => {
    const config = yaml(
      'image: Ubuntu2204',
      'matrix:',
      '  fast_finish: true',
      'environment:',
      '  matrix:',
      '    - FLAVOUR: fails',
      '    - FLAVOUR: slow',
      'install:',
      '  - if [ "$FLAVOUR" = fails ]; then false; else sleep 20; fi',
      'build_script:',
      '  - echo built',
    );

    const { events, elapsedMs } = await pipeline.build(config);

    expect(jobLines(events, '1')).toContain('JobFinished:failed');
    const slow = jobLines(events, '2');
    expect(slow).toContain('RunnerTerminated');
    expect(slow).not.toContain('PhaseFinished:install:success');
    expect(slow).not.toContain('PhaseStarted:build_script');
    expect(eventLines(events)).toContain('BuildFinished:failed');
    expect(elapsedMs).toBeLessThan(15_000);
  });
});

/** The messages a build recorded, as people read them. */
function messagesOf(events: readonly StoredEvent[]): string[] {
  return events.flatMap((e) => (isEvent(e, 'MessageAdded') ? [e.data.message] : []));
}
