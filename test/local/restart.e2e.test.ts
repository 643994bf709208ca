import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../bin/replay.ts';
import { type Backend, startBackend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { BackendRunningError } from '../../local/live-backend.ts';
import { localBuildUrl } from '../../local/log-status-reporter.ts';
import { buildStream, isEvent } from '../../shared/events/catalogue.ts';
import type { BuildView } from '../../shared/views/build-view.ts';
import { runCommand } from '../api/capture.ts';
import {
  buildScriptStarted,
  call,
  pushBuild,
  runnerFolders,
  waitForEvents,
} from '../operations/support.ts';

const sleeping = 'image: Ubuntu2204\nbuild_script:\n  - sleep 120\n';
const skipping = 'image: Ubuntu2204\nbranches:\n  only:\n    - release\n';
const logger = () => new Logger({ serviceName: 'bakehouse-test', logLevel: 'ERROR' });

describe('the embedded backend started again on the same state folder', () => {
  let stateDir: string;
  let again: Backend | undefined;
  let running: string;
  let skipped: string;
  let endpointAfterStop: boolean;
  let replayedOffline: Awaited<ReturnType<typeof runCommand>>;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-restart-'));
    const first = await startBackend({ stateDir, logger: logger() });
    try {
      skipped = await pushBuild(first, 'skipper', skipping);
      await waitForBuild(first.events, skipped, 60_000);
      running = await pushBuild(first, 'sleeper', sleeping);
      await waitForEvents(first, running, buildScriptStarted);
    } finally {
      await first.stop();
    }
    endpointAfterStop = existsSync(join(stateDir, 'endpoint'));
    replayedOffline = await runCommand(replay, ['--state-dir', stateDir]);
    again = await startBackend({ stateDir, logger: logger() });
    await again.idle();
  }, 180_000);
  afterAll(async () => {
    await again?.stop();
  });

  it('records the build that was running as interrupted, its runner ended', async () => {
    const events = await again?.events.read(buildStream(running));

    const finished = events?.filter((e) => isEvent(e, 'BuildFinished'));
    expect(finished?.map((e) => e.data.status)).toEqual(['interrupted']);
    expect(events?.some((e) => isEvent(e, 'RunnerTerminated'))).toBe(true);
    expect(await runnerFolders(stateDir)).toEqual([]);
  });

  it('shows no phase of the interrupted build as still running', async () => {
    if (!again) throw new Error('the backend did not start again');
    const answer = await call(again, 'GET', `/api/builds/${running}`);
    const view = answer.body as unknown as BuildView;

    expect(view.status).toBe('interrupted');
    const phases = view.jobs.flatMap((job) => job.phases);
    expect(phases.map((p) => [p.phase, p.status])).toContainEqual([
      'build_script',
      'cancelled',
    ]);
    expect(phases.filter((p) => p.status === 'running')).toEqual([]);
  });

  it('links commit statuses to a route that answers with the build', async () => {
    if (!again) throw new Error('the backend did not start again');
    const response = await fetch(localBuildUrl(again.url)(running));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ buildId: running });
  });

  it('leaves no endpoint file behind when it stops, and writes its own again', () => {
    expect(endpointAfterStop).toBe(false);
    expect(existsSync(join(stateDir, 'endpoint'))).toBe(true);
  });

  it('replays the stopped backend state folder, and refuses while a backend runs', async () => {
    const refused = await runCommand(replay, ['--state-dir', stateDir]);

    expect(replayedOffline.code).toBe(0);
    expect(replayedOffline.stdout).toMatch(
      /^Replayed [1-9]\d* events of 3 streams into [1-9]\d* view items/,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`a backend runs on ${stateDir} at ${again?.url}`);
  });

  it('refuses to start a second backend on the state folder while one runs', async () => {
    const second = startBackend({ stateDir, logger: logger() });

    await expect(second).rejects.toThrow(
      new BackendRunningError(stateDir, String(again?.url)),
    );
    expect(readFileSync(join(stateDir, 'endpoint'), 'utf8').trim()).toBe(again?.url);
  });

  it('leaves a skipped build skipped, with nothing appended', async () => {
    const events = await again?.events.read(buildStream(skipped));

    expect(events?.at(-1)?.type).toBe('BuildSkipped');
    expect(events?.some((e) => isEvent(e, 'BuildFinished'))).toBe(false);
  });
});
