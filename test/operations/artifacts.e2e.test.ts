import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts } from '../../bin/artifacts.ts';
import { show } from '../../bin/show.ts';
import { type Backend, startBackend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { sendPush } from '../../local/push-sender.ts';
import { runCommand } from '../api/capture.ts';
import { gitRepository } from '../api/git-repository.ts';
import { call } from './support.ts';

const config = [
  'image: Ubuntu2204',
  'build_script:',
  '  - mkdir -p dist/docs && echo wheel > dist/widget.whl && echo doc > dist/docs/index.html',
  '  - appveyor PushArtifact data/blob.bin -FileName bin/blob.bin -DeploymentName Blob',
  'test_script:',
  '  - echo tested',
  'artifacts:',
  '  - path: dist\\*.whl',
  '    name: Wheels',
  '  - path: dist/docs',
  '  - path: nothing-*.zip',
  '',
].join('\n');

/** Lists the names of a .tar.gz file's entries. */
function tarEntries(file: string): string[] {
  return execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').sort();
}

describe('artifacts of a build on the embedded backend', () => {
  let backend: Backend;
  let buildId: string;
  let endpoint: string[];
  const blob = randomBytes(200_000);

  beforeAll(async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-artifacts-'));
    backend = await startBackend({
      stateDir,
      logger: new Logger({ serviceName: 'bakehouse-test', logLevel: 'ERROR' }),
    });
    endpoint = ['--endpoint', backend.url];
    const repo = await gitRepository('artifact-app', {
      'appveyor.yml': config,
      'data/blob.bin': blob,
    });
    const answer = await sendPush(backend.url, stateDir, repo.folder);
    buildId = String(answer.body.buildId);
    await waitForBuild(backend.events, buildId, 90_000);
    await backend.idle();
  }, 150_000);
  afterAll(async () => {
    await backend?.stop();
  });

  describe('the artifact routes', () => {
    it("lists the build's artifacts job by job: pushed ones, then collected ones", async () => {
      const { status, body } = await call(
        backend,
        'GET',
        `/api/builds/${buildId}/artifacts`,
      );

      expect(status).toBe(200);
      expect(body).toMatchObject({ buildId, jobs: [{ jobId: '1' }] });
      const [job] = body.jobs as { artifacts: Record<string, unknown>[] }[];
      expect(job?.artifacts.map((a) => [a.fileName, a.name, a.type, a.key])).toEqual([
        ['bin/blob.bin', 'Blob', 'Auto', `artifacts/${buildId}/1/bin/blob.bin`],
        ['dist/widget.whl', 'Wheels', 'Auto', `artifacts/${buildId}/1/dist/widget.whl`],
        [
          'dist/docs.tar.gz',
          undefined,
          'Auto',
          `artifacts/${buildId}/1/dist/docs.tar.gz`,
        ],
      ]);
      expect(job?.artifacts[0]?.size).toBe(blob.length);
    });

    it('leaves a warning on the build for an entry that matches nothing, and succeeds', async () => {
      const { body } = await call(backend, 'GET', `/api/builds/${buildId}`);

      expect(body.status).toBe('success');
      expect(body.messages).toContainEqual(
        expect.objectContaining({
          jobId: '1',
          level: 'warning',
          message:
            "Artifact path 'nothing-*.zip' matched no file; nothing is pushed for it",
        }),
      );
    });

    it('redirects to the bytes of an artifact, served as an attachment', async () => {
      const path = `/api/builds/${buildId}/jobs/1/artifacts/bin/blob.bin`;
      const located = await fetch(`${backend.url}${path}`, { redirect: 'manual' });
      const location = located.headers.get('location') ?? '';
      const bytes = await fetch(location);

      expect(located.status).toBe(302);
      expect(location).toBe(`${backend.url}/artifacts/${buildId}/1/bin/blob.bin`);
      expect(await located.json()).toMatchObject({
        url: location,
        fileName: 'bin/blob.bin',
      });
      expect(bytes.headers.get('content-disposition')).toBe(
        "attachment; filename*=UTF-8''blob.bin",
      );
      expect(Buffer.from(await bytes.arrayBuffer()).equals(blob)).toBe(true);
    });

    it('says which build, job or artifact it could not find', async () => {
      const base = `/api/builds/${buildId}`;
      const build = await call(backend, 'GET', '/api/builds/01NOSUCH/artifacts');
      const job = await call(backend, 'GET', `${base}/jobs/7/artifacts/bin/blob.bin`);
      const file = await call(backend, 'GET', `${base}/jobs/1/artifacts/bin/none.bin`);

      expect([build.status, build.body.message]).toEqual([
        404,
        'build 01NOSUCH not found',
      ]);
      expect([job.status, job.body.message]).toEqual([
        404,
        `job '7' not found in build ${buildId}`,
      ]);
      expect([file.status, file.body.message]).toEqual([
        404,
        `artifact 'bin/none.bin' not found in job 1 of build ${buildId}`,
      ]);
    });

    it('refuses a file name with a .. segment, in the API and in the file route', async () => {
      const api = await call(
        backend,
        'GET',
        `/api/builds/${buildId}/jobs/1/artifacts/bin%2F..%2F..%2Fendpoint`,
      );
      const files = await call(
        backend,
        'GET',
        `/artifacts/${buildId}/1/..%2F..%2Fendpoint`,
      );

      expect(api.status).toBe(400);
      expect(api.body.message).toMatch(
        /^artifact 'bin\/..\/..\/endpoint' is not a file name/,
      );
      expect(files.status).toBe(404);
    });
  });

  describe('bakehouse artifacts', () => {
    it('lists the artifacts in a table for people', async () => {
      const { code, stdout } = await runCommand(artifacts, [buildId, ...endpoint]);

      const [header, first] = stdout.split('\n');
      expect(code).toBe(0);
      expect(header).toMatch(/^JOB +FILE +NAME +TYPE +SIZE +PUSHED$/);
      expect(first).toMatch(
        /^1 +bin\/blob\.bin +Blob +Auto +195\.3 KiB +\d{4}-\d\d-\d\d /,
      );
      expect(stdout).toMatch(/dist\/docs\.tar\.gz +- +Auto/);
    });

    it('names the artifacts of each job in bakehouse show', async () => {
      const { stdout } = await runCommand(show, [buildId, ...endpoint]);

      expect(stdout).toContain(
        '  artifacts bin/blob.bin, dist/widget.whl, dist/docs.tar.gz\n',
      );
    });

    it('lists one artifact as JSON for scripts', async () => {
      const { stdout } = await runCommand(artifacts, [
        buildId,
        '--file',
        'dist/widget.whl',
        '--json',
        ...endpoint,
      ]);

      expect(JSON.parse(stdout)).toMatchObject([
        { jobId: '1', fileName: 'dist/widget.whl', name: 'Wheels', size: 6 },
      ]);
    });

    it('downloads every artifact, byte for byte, under their file names', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'bakehouse-downloads-'));

      const { code, stdout } = await runCommand(artifacts, [
        buildId,
        '--download',
        folder,
        ...endpoint,
      ]);

      expect(code).toBe(0);
      expect(stdout).toContain(
        `Saved bin/blob.bin of job 1 (195.3 KiB) to ${folder}/bin/blob.bin`,
      );
      expect((await readFile(join(folder, 'bin', 'blob.bin'))).equals(blob)).toBe(true);
      expect(await readFile(join(folder, 'dist', 'widget.whl'), 'utf8')).toBe('wheel\n');
      expect(tarEntries(join(folder, 'dist', 'docs.tar.gz'))).toEqual([
        '',
        './',
        './index.html',
      ]);
    });

    it('says which build, job or artifact it could not find, and exits 1', async () => {
      const build = await runCommand(artifacts, ['01NOSUCH', ...endpoint]);
      const job = await runCommand(artifacts, [buildId, '--job', '9', ...endpoint]);
      const file = await runCommand(artifacts, [
        buildId,
        '--job',
        '1',
        '--file',
        'nope.zip',
        '--download',
        tmpdir(),
        ...endpoint,
      ]);

      expect([build.code, build.stderr]).toEqual([
        1,
        'bakehouse artifacts: build 01NOSUCH not found\n',
      ]);
      expect([job.code, job.stderr]).toEqual([
        1,
        `bakehouse artifacts: build ${buildId} has no job 9; its jobs are 1\n`,
      ]);
      expect([file.code, file.stderr]).toEqual([
        1,
        `bakehouse artifacts: build ${buildId} has no artifact nope.zip in job 1\n`,
      ]);
    });
  });
});
