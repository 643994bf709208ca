import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { buildStream, isEvent } from '../../shared/events/catalogue.ts';
import { processGroupMembers } from '../local/processes.ts';
import {
  buildScriptStarted,
  call,
  pushBuild,
  runnerFolders,
  waitForEvents,
} from './support.ts';

const sleeping = 'image: Ubuntu2204\nbuild_script:\n  - sleep 120\n';
const quick = 'image: Ubuntu2204\nbuild_script:\n  - echo built\n';

describe('cancel and rebuild on the embedded backend', () => {
  let backend: Backend;

  beforeAll(async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-ops-'));
    backend = await startBackend({
      stateDir,
      logger: new Logger({ serviceName: 'bakehouse-test', logLevel: 'ERROR' }),
    });
  }, 120_000);
  afterAll(async () => {
    await backend?.stop();
  });

  describe('POST /api/builds/{id}/cancel', () => {
    let buildId: string;
    let groups: number[];
    let answer: Awaited<ReturnType<typeof call>>;

    beforeAll(async () => {
      buildId = await pushBuild(backend, 'sleeper', sleeping);
      await waitForEvents(backend, buildId, buildScriptStarted);
      // PhaseStarted is recorded just before the runner's process starts.
      for (let i = 0; i < 200 && groups?.length !== 1; i++) {
        groups = backend.pipeline.fleet.runningProcessGroups();
        if (groups.length !== 1) await new Promise((r) => setTimeout(r, 25));
      }

      answer = await call(backend, 'POST', `/api/builds/${buildId}/cancel`, {
        reason: 'wrong branch pushed',
      });
      await backend.idle();
    }, 90_000);

    it('answers 202 with the reason and the runner it terminated', () => {
      expect(groups).toHaveLength(1);
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({
        buildId,
        status: 'cancelled',
        reason: 'wrong branch pushed',
        alreadyCancelled: false,
      });
      expect(answer.body.terminated).toHaveLength(1);
    });

    it('records BuildFinished cancelled with the reason, and the open job cancelled', async () => {
      const events = await backend.events.read(buildStream(buildId));

      const finished = events.filter((e) => isEvent(e, 'BuildFinished'));
      const jobs = events.filter((e) => isEvent(e, 'JobFinished'));
      expect(finished.map((e) => e.data)).toEqual([
        { status: 'cancelled', reason: 'wrong branch pushed' },
      ]);
      expect(jobs.map((e) => e.data)).toEqual([
        { jobId: '1', status: 'cancelled', allowedFailure: false },
      ]);
      expect(events.some((e) => isEvent(e, 'RunnerTerminated'))).toBe(true);
    });

    it('leaves no runner process, no runner and no runner folder', async () => {
      const [runnerId] = answer.body.terminated as string[];

      expect(backend.pipeline.fleet.runningProcessGroups()).toEqual([]);
      expect(backend.pipeline.fleet.runnerIds()).toEqual([]);
      expect(groups.flatMap(processGroupMembers)).toEqual([]);
      expect(await runnerFolders(backend.stateDir)).not.toContain(runnerId);
    });

    it('aborts the execution with the reason as its cause', () => {
      expect(backend.orchestrator.status(buildId)).toEqual({
        status: 'aborted',
        cause: 'Cancelled: wrong branch pushed',
      });
    });

    it('shows the build cancelled, with the reason, in the read API', async () => {
      const view = await call(backend, 'GET', `/api/builds/${buildId}`);

      expect(view.body).toMatchObject({
        status: 'cancelled',
        endReason: 'wrong branch pushed',
      });
    });

    it('answers a second cancel with the first one, changing nothing', async () => {
      const before = await backend.events.read(buildStream(buildId));

      const again = await call(backend, 'POST', `/api/builds/${buildId}/cancel`);

      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({
        alreadyCancelled: true,
        reason: 'wrong branch pushed',
        terminated: [],
      });
      expect(await backend.events.read(buildStream(buildId))).toHaveLength(before.length);
    });
  });

  describe('refusals', () => {
    it('answers 409 for cancelling a build that already finished', async () => {
      const buildId = await pushBuild(backend, 'finished', quick);
      await waitForBuild(backend.events, buildId, 60_000);

      const answer = await call(backend, 'POST', `/api/builds/${buildId}/cancel`);

      expect(answer.status).toBe(409);
      expect(answer.body.message).toBe(
        `build ${buildId} already finished as success; only a running build can be cancelled`,
      );
    });

    it('answers 404 for a build that does not exist', async () => {
      const cancel = await call(backend, 'POST', '/api/builds/01NOSUCHBUILD/cancel');
      const again = await call(backend, 'POST', '/api/builds/01NOSUCHBUILD/rebuild');

      expect([cancel.status, again.status]).toEqual([404, 404]);
      expect(cancel.body.message).toBe('build 01NOSUCHBUILD not found');
    });

    it('answers 400 for a reason that is not text, and 405 for GET on a command', async () => {
      const bad = await call(backend, 'POST', '/api/builds/01X/cancel', { reason: 7 });
      const get = await call(backend, 'DELETE', '/api/builds/01X/cancel');

      expect(bad.status).toBe(400);
      expect(get.status).toBe(405);
    });
  });

  describe('POST /api/builds/{id}/rebuild', () => {
    it('builds the same commit again as a new build that points at the first', async () => {
      const first = await pushBuild(backend, 'again', quick);
      const [requested] = await waitForBuild(backend.events, first, 60_000);

      const answer = await call(backend, 'POST', `/api/builds/${first}/rebuild`);
      const second = String(answer.body.buildId);
      const events = await waitForBuild(backend.events, second, 60_000);

      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ buildId: second, rebuildOf: first });
      expect(second).not.toBe(first);
      const { buildId: _a, requestedAt: _b, ...trigger } = requested?.data ?? {};
      expect(events[0]?.data).toMatchObject({ ...trigger, rebuildOf: first });
      expect(events.at(-1)?.data).toEqual({ status: 'success' });
    });
  });
});
