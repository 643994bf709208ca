import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { builds } from '../../bin/builds.ts';
import { image } from '../../bin/image.ts';
import { images } from '../../bin/images.ts';
import { logs } from '../../bin/logs.ts';
import { show } from '../../bin/show.ts';
import { startHttpServer } from '../../local/http-server.ts';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import { localClient } from '../events/support.ts';
import { runCommand, startCommand } from './capture.ts';
import {
  appendRunningBuild,
  bakedBuild,
  installLog,
  type ReadApiFixture,
  runningBuild,
  startReadApiFixture,
  writePhaseLog,
} from './support.ts';

describe('the bakehouse read commands', () => {
  let client: DynamoDBClient;
  let fixture: ReadApiFixture;
  let endpoint: string[];

  beforeAll(async () => {
    client = localClient();
    fixture = await startReadApiFixture(client, 'cli');
    endpoint = ['--endpoint', fixture.server.url];
  });
  afterEach(() => vi.unstubAllEnvs());
  afterAll(async () => {
    await fixture.server.stop();
    client.destroy();
  });

  it('lists builds in an aligned table with humanized durations', async () => {
    const { code, stdout } = await runCommand(builds, endpoint);

    const [header, first, second] = stdout.split('\n');
    expect(code).toBe(0);
    expect(header).toMatch(
      /^BUILD +PROJECT +# +BRANCH +COMMIT +STATUS +DURATION +REQUESTED$/,
    );
    expect(first).toContain(`${runningBuild}  Acme/Tools  8`);
    expect(second).toMatch(/success +1 min 05 s +2026-12-03 10:00:00$/);
    expect(first?.indexOf('running')).toBe(second?.indexOf('success'));
  });

  it("lists one project's builds as JSON for scripts", async () => {
    const { stdout } = await runCommand(builds, [
      ...endpoint,
      '--repo',
      'Acme/Tools',
      '--json',
      '--limit',
      '1',
    ]);

    expect(JSON.parse(stdout).map((b: { buildId: string }) => b.buildId)).toEqual([
      runningBuild,
    ]);
  });

  it('shows a build with its jobs, phases, exit codes and durations', async () => {
    const { code, stdout } = await runCommand(show, [runningBuild, ...endpoint]);

    expect(code).toBe(0);
    expect(stdout).toContain(`Build ${runningBuild} #8 (1.0.8): running`);
    expect(stdout).toContain('Job 1: Ubuntu2204 (Tools from Tools v2): running');
    expect(stdout).toMatch(/install +success +0 +2\.5 s/);
    expect(stdout).toMatch(/build_script +running +- +-/);
  });

  it("shows the execution's state history with --states", async () => {
    const { stdout } = await runCommand(show, [runningBuild, '--states', ...endpoint]);

    expect(stdout).toContain('Execution: succeeded');
    expect(stdout).toMatch(/\+\d+ ms +StateEntered +LoadConfig/);
    expect(stdout).toMatch(/MapIterationStarted +RunJobs +0/);
  });

  it('shows the build and says why when its execution history is gone', async () => {
    const { code, stdout } = await runCommand(show, [
      bakedBuild,
      '--states',
      ...endpoint,
    ]);

    expect(code).toBe(0);
    expect(stdout).toContain(`Build ${bakedBuild}`);
    expect(stdout).toContain(
      `No execution history: no execution history of build ${bakedBuild}`,
    );
  });

  it('shows a build and its states as JSON', async () => {
    const { stdout } = await runCommand(show, [
      runningBuild,
      '--states',
      '--json',
      ...endpoint,
    ]);

    const shown = JSON.parse(stdout);
    expect(shown.build.buildId).toBe(runningBuild);
    expect(shown.states.events[0].kind).toBe('ExecutionStarted');
  });

  it('says which build it could not find, and exits 1', async () => {
    const { code, stderr } = await runCommand(show, ['01NOSUCH', ...endpoint]);

    expect(code).toBe(1);
    expect(stderr).toBe('bakehouse show: build 01NOSUCH not found\n');
  });

  it('lists images and shows one with its versions and provenance chain', async () => {
    const listed = await runCommand(images, endpoint);
    const shown = await runCommand(image, ['tools', ...endpoint]);

    expect(listed.stdout).toMatch(
      /^IMAGE +CURRENT +VERSIONS +REF +UPDATED\nTools +v2 +2 +snapshots\/tools-2/,
    );
    expect(shown.stdout).toContain('Image Tools: current v2');
    expect(shown.stdout).toMatch(/v2 \* +available +snapshots\/tools-2 +01APIBAKED/);
    expect(shown.stdout).toContain(
      `Tools v2  baked by build ${bakedBuild} of Acme/Tools at sha-01A, from Tools v1`,
    );
    expect(shown.stdout).toContain('Ubuntu2204  base image (base/ubuntu2204)');
  });

  it('shows an image and its provenance as JSON', async () => {
    const { stdout } = await runCommand(image, ['Tools', '--json', ...endpoint]);

    const shown = JSON.parse(stdout);
    expect(shown.image.currentVersion).toBe(2);
    expect(shown.provenance.base.name).toBe('Ubuntu2204');
  });

  it('finds the backend through the endpoint file of the state folder', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'bakehouse-state-'));
    await writeFile(path.join(stateDir, 'endpoint'), `${fixture.server.url}\n`);
    vi.stubEnv('BAKEHOUSE_ENDPOINT', '');
    vi.stubEnv('BAKEHOUSE_STATE_DIR', stateDir);

    const { code, stdout } = await runCommand(images, ['--json']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)[0].name).toBe('Tools');
  });

  it('tells how to start a backend when none answers', async () => {
    const gone = await startHttpServer();
    await gone.stop();

    const { code, stderr } = await runCommand(builds, ['--endpoint', gone.url]);

    expect(code).toBe(1);
    expect(stderr).toContain(`No Bakehouse backend answers at ${gone.url}`);
    expect(stderr).toContain('start one with `npm run serve`');
  });

  it("says where a dead backend's address came from, and how to name another", async () => {
    const gone = await startHttpServer();
    await gone.stop();
    const stateDir = await mkdtemp(path.join(tmpdir(), 'bakehouse-stale-'));
    await writeFile(path.join(stateDir, 'endpoint'), `${gone.url}\n`);
    vi.stubEnv('BAKEHOUSE_ENDPOINT', '');
    vi.stubEnv('BAKEHOUSE_STATE_DIR', stateDir);

    const { code, stderr } = await runCommand(builds, []);

    expect(code).toBe(1);
    expect(stderr).toContain(`No Bakehouse backend answers at ${gone.url}`);
    expect(stderr).toContain(
      `the address comes from ${path.join(stateDir, 'endpoint')}, written by a ` +
        'backend that is no longer running',
    );
    expect(stderr).toContain('BAKEHOUSE_STATE_DIR=<its --state-dir>');
  });

  it('prints the logs of every phase under headers', async () => {
    const { code, stdout } = await runCommand(logs, [runningBuild, ...endpoint]);

    expect(code).toBe(0);
    expect(stdout).toBe(
      '==> job 1 (Ubuntu2204) install\nInstalling tools…\nDone.\n' +
        '<== install: success, exit 0, 2.5 s\n' +
        '==> job 1 (Ubuntu2204) build_script\ncompiling\n',
    );
  });

  it('prints each phase as one JSON line for scripts', async () => {
    const { code, stdout } = await runCommand(logs, [
      runningBuild,
      '--json',
      ...endpoint,
    ]);

    expect(code).toBe(0);
    expect(stdout.split('\n').map((line) => line && JSON.parse(line))).toEqual([
      {
        build: runningBuild,
        job: '1',
        phase: 'install',
        status: 'success',
        exitCode: 0,
        durationMs: 2500,
        text: installLog,
      },
      {
        build: runningBuild,
        job: '1',
        phase: 'build_script',
        status: 'running',
        exitCode: null,
        durationMs: null,
        text: 'compiling\n',
      },
      '',
    ]);
  });

  it('follows a build as JSON lines: new text as it comes, then how each phase and the build ended', async () => {
    const buildId = '01APIJSONFOLLOW';
    await appendRunningBuild(fixture, buildId);
    const following = startCommand(logs, [
      buildId,
      '--follow',
      '--json',
      '--phase',
      'build_script',
      '--interval',
      '50',
      ...endpoint,
    ]);
    const lines = () => following.stdout().split('\n').filter(Boolean);
    for (let i = 0; i < 200 && lines().length < 2; i++) await sleep(25);
    await writePhaseLog(fixture.stateDir, buildId, 'build_script', 'linked\n');
    for (let i = 0; i < 200 && lines().length < 3; i++) await sleep(25);
    const logPointer = await writePhaseLog(
      fixture.stateDir,
      buildId,
      'build_script',
      'done\n',
    );
    await fixture.append(buildStream(buildId), [
      buildScriptFailed(logPointer),
      newEvent('JobFinished', { jobId: '1', status: 'failed', allowedFailure: false }),
      newEvent('BuildFinished', { status: 'failed' }),
    ]);

    const { code, stdout } = await following.finished;

    const [first, ...rest] = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const last = rest.pop();
    const phase = { build: buildId, job: '1', phase: 'build_script' };
    expect(code).toBe(1);
    expect(first).toEqual({ build: buildId, status: 'running', durationMs: null });
    expect(rest.slice(0, 2)).toEqual([
      {
        ...phase,
        status: 'running',
        exitCode: null,
        durationMs: null,
        text: 'compiling\n',
      },
      { ...phase, status: 'running', exitCode: null, durationMs: null, text: 'linked\n' },
    ]);
    expect(rest.at(-1)).toMatchObject({ ...phase, status: 'failed', exitCode: 2 });
    expect(rest.map((line) => line.text).join('')).toBe('compiling\nlinked\ndone\n');
    expect(last).toEqual({
      build: buildId,
      status: 'failed',
      durationMs: expect.any(Number),
    });
  });

  it('follows a running build until it finishes, streaming new output', async () => {
    const following = runCommand(logs, [
      runningBuild,
      '--follow',
      '--phase',
      'build_script',
      '--interval',
      '50',
      ...endpoint,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const logPointer = await writePhaseLog(
      fixture.stateDir,
      runningBuild,
      'build_script',
      'linked',
    );
    await fixture.append(buildStream(runningBuild), [buildScriptFailed(logPointer)]);
    await fixture.append(buildStream(runningBuild), [
      newEvent('JobFinished', { jobId: '1', status: 'failed', allowedFailure: false }),
      newEvent('BuildFinished', { status: 'failed' }),
    ]);

    const { code, stdout } = await following;

    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(
        `^Build ${runningBuild}: running\n==> job 1 \\(Ubuntu2204\\) build_script\n` +
          'compiling\nlinked\n<== build_script: failed, exit 2, 1.2 s\n' +
          `Build ${runningBuild} failed in .+\n$`,
      ),
    );
  });
});

/** Job 1's build_script ended with exit code 2 after 1.2 s, its log at `logPointer`. */
function buildScriptFailed(logPointer: string) {
  return newEvent('PhaseFinished', {
    jobId: '1',
    phase: 'build_script',
    outcome: 'failed',
    exitCode: 2,
    durationMs: 1200,
    logPointer,
  });
}
