import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClient } from '../events/support.ts';
import {
  bakedBuild,
  installLog,
  type ReadApiFixture,
  runningBuild,
  startReadApiFixture,
} from './support.ts';

// biome-ignore lint/suspicious/noExplicitAny: the assertions check the JSON's shape.
type Json = any;

describe('the read API', () => {
  let client: DynamoDBClient;
  let fixture: ReadApiFixture;
  const get = async (path: string) => {
    const response = await fetch(`${fixture.server.url}${path}`);
    return { status: response.status, body: (await response.json()) as Json };
  };

  beforeAll(async () => {
    client = localClient();
    fixture = await startReadApiFixture(client, 'read-api');
  });
  afterAll(async () => {
    await fixture.server.stop();
    client.destroy();
  });

  it('lists projects with their latest build', async () => {
    const { status, body } = await get('/api/projects');

    expect(status).toBe(200);
    expect(body.projects).toMatchObject([
      { repository: 'Acme/Tools', lastBuildId: runningBuild, lastStatus: 'running' },
    ]);
  });

  it("lists a project's builds newest first, matching the name case-insensitively", async () => {
    const { status, body } = await get('/api/projects/acme/TOOLS/builds');

    expect(status).toBe(200);
    expect(body.repository).toBe('Acme/Tools');
    expect(body.builds.map((b: { buildId: string }) => b.buildId)).toEqual([
      runningBuild,
      bakedBuild,
    ]);
  });

  it('shows a build with its jobs, phases, durations and bake result', async () => {
    const running = await get(`/api/builds/${runningBuild}`);
    const baked = await get(`/api/builds/${bakedBuild}`);

    expect(running.body).toMatchObject({ status: 'running', number: 8 });
    expect(running.body.jobs[0].phases).toMatchObject([
      { phase: 'install', status: 'success', exitCode: 0, durationMs: 2500 },
      { phase: 'build_script', status: 'running' },
    ]);
    expect(baked.body).toMatchObject({ status: 'success', durationMs: 65_000 });
    expect(baked.body.jobs[0].bake).toEqual({
      imageName: 'Tools',
      status: 'baked',
      version: 2,
      ref: 'snapshots/tools-2',
      parent: { name: 'Tools', version: 1, ref: 'snapshots/tools-1' },
    });
  });

  it("answers a build's state history from its execution", async () => {
    const { status, body } = await get(`/api/builds/${runningBuild}/states`);

    expect(status).toBe(200);
    expect(body.status).toBe('succeeded');
    const steps = body.events.map((e: { kind: string; state?: string }) =>
      [e.kind, e.state].filter(Boolean).join(' '),
    );
    expect(steps).toEqual([
      'ExecutionStarted',
      'StateEntered LoadConfig',
      'StateExited LoadConfig',
      'StateEntered RunJobs',
      'MapIterationStarted RunJobs',
      'StateEntered RunInstall',
      'StateExited RunInstall',
      'MapIterationSucceeded RunJobs',
      'StateExited RunJobs',
      'ExecutionSucceeded',
    ]);
    expect(body.events[5]).toMatchObject({ stateType: 'Pass', iteration: 0 });
  });

  it('reads a phase log by byte offset, never cutting a character', async () => {
    const path = `/api/builds/${runningBuild}/jobs/1/phases/install/log`;
    const cut = Buffer.byteLength('Installing tools') + 1; // inside the 3-byte '…'

    const first = await get(`${path}?limit=${cut}`);
    const rest = await get(`${path}?offset=${first.body.nextOffset}`);
    const end = await get(`${path}?offset=${rest.body.nextOffset}`);

    expect(first.body).toMatchObject({ text: 'Installing tools', running: false });
    expect(first.body.nextOffset).toBe(cut - 1);
    expect(first.body.text + rest.body.text).toBe(installLog);
    expect(rest.body.nextOffset).toBe(Buffer.byteLength(installLog));
    expect(end.body).toMatchObject({ text: '', nextOffset: rest.body.nextOffset });
  });

  it('says a phase is still running while its log grows', async () => {
    const { body } = await get(
      `/api/builds/${runningBuild}/jobs/1/phases/build_script/log`,
    );

    expect(body).toMatchObject({ text: 'compiling\n', nextOffset: 10, running: true });
  });

  it('lists images with their current version', async () => {
    const { body } = await get('/api/images');

    expect(body.images).toMatchObject([
      {
        name: 'Tools',
        currentVersion: 2,
        currentRef: 'snapshots/tools-2',
        versionCount: 2,
      },
    ]);
  });

  it('shows an image with its versions, matching the name case-insensitively', async () => {
    const { body } = await get('/api/images/tools');

    expect(body.name).toBe('Tools');
    expect(body.currentVersion).toBe(2);
    expect(body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it("follows a version's provenance back to its base image", async () => {
    const { body } = await get('/api/images/Tools/versions/2/provenance');

    expect(body.image).toMatchObject({ name: 'Tools', version: 2, buildId: bakedBuild });
    expect(body.ancestors).toMatchObject([{ version: 1, buildId: '01APIFIRST' }]);
    expect(body.base).toEqual({ name: 'Ubuntu2204', ref: 'base/ubuntu2204' });
  });

  it.each([
    ['/api/builds/01NOSUCH', 'build 01NOSUCH not found'],
    ['/api/builds/01NOSUCH/states', 'build 01NOSUCH not found'],
    [`/api/builds/${bakedBuild}/states`, `no execution history of build ${bakedBuild}`],
    [
      '/api/projects/acme/nothing/builds',
      'project acme/nothing not found: it has no builds',
    ],
    [
      `/api/builds/${runningBuild}/jobs/9/phases/install/log`,
      `job '9' not found in build ${runningBuild}`,
    ],
    [
      `/api/builds/${runningBuild}/jobs/1/phases/test_script/log`,
      `phase 'test_script' of job '1' in build ${runningBuild} has not started`,
    ],
    ['/api/images/Nothing', "image 'Nothing' not found"],
    ['/api/images/Tools/versions/3/provenance', "version 3 of image 'Tools' not found"],
    ['/api/nothing', 'no route GET /api/nothing'],
  ])('answers 404 for %s, naming what is missing', async (path, message) => {
    const { status, body } = await get(path);

    expect(status).toBe(404);
    expect(body).toEqual({ message });
  });

  it.each([
    [
      `/api/builds/${runningBuild}/jobs/1/phases/compile/log`,
      "phase 'compile' is not a phase",
    ],
    [`/api/builds/${runningBuild}/jobs/1/phases/install/log?offset=-1`, "offset '-1'"],
    [`/api/builds/${runningBuild}/jobs/1/phases/install/log?limit=0`, "limit '0'"],
    ['/api/builds/..%2Fetc', "build id '../etc' is not a valid id"],
    ['/api/images/Tools/versions/v2/provenance', "version 'v2'"],
    ['/api/images/%2Fbad%2F/versions/1/provenance', 'Invalid image name'],
    ['/api/projects/acme/tools/builds?limit=many', "limit 'many'"],
  ])('answers 400 for %s, naming the bad parameter', async (path, message) => {
    const { status, body } = await get(path);

    expect(status).toBe(400);
    expect(body.message).toContain(message);
  });
});
