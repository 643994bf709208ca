import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { maxArtifactBytes } from '../../shared/artifacts/names.ts';
import { S3ArtifactStore } from '../../shared/aws/s3-artifact-store.ts';
import type { ArtifactUpload } from '../../shared/ports/artifact-store.ts';
import {
  command,
  linuxJob,
  phaseContext,
  runPhase,
  type TempRunner,
  tempRunner,
} from '../runners/fixtures.ts';
import { motoS3 } from '../support/moto.ts';

const bucket = 'bakehouse-artifacts-test';

/** The policy of a presigned POST, decoded. */
function policyOf(upload: ArtifactUpload) {
  if (upload.kind !== 'post') throw new Error('expected a presigned POST');
  const policy = upload.fields.Policy ?? '';

  return JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as {
    expiration: string;
    conditions: unknown[];
  };
}

describe('S3ArtifactStore on moto_server', () => {
  let s3: S3Client;
  let store: S3ArtifactStore;
  let runner: TempRunner;

  beforeAll(async () => {
    s3 = motoS3(inject('motoEndpoint'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    store = new S3ArtifactStore({ s3, bucket });
  });
  afterEach(() => {
    if (runner) rmSync(runner.root, { recursive: true, force: true });
  });

  it("limits an upload to the job's prefix, the size limit and the phase's time", async () => {
    const before = Date.now();

    const upload = await store.uploadTarget('01JS3', '2', 900);

    const policy = policyOf(upload);
    expect(upload).toMatchObject({ kind: 'post', keyPrefix: 'artifacts/01JS3/2/' });
    expect(upload.kind === 'post' && upload.fields.key).toBeUndefined();
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['starts-with', '$key', 'artifacts/01JS3/2/'],
        ['content-length-range', 0, maxArtifactBytes],
        { bucket },
      ]),
    );
    const expires = Date.parse(policy.expiration) - before;
    expect(expires).toBeGreaterThan(895_000);
    expect(expires).toBeLessThan(905_000);
  });

  it('takes a file the bash runner posts with curl, and gives it back by presigned GET', async () => {
    runner = tempRunner();
    const folder = join(runner.home, 'projects', 'widget', 'bin');
    mkdirSync(folder, { recursive: true });
    const bytes = randomBytes(50_000);
    writeFileSync(join(folder, 'app v1.bin'), bytes);
    const context = {
      ...phaseContext({ buildId: '01JS3POST' }),
      artifactUpload: await store.uploadTarget('01JS3POST', '1', 600),
    };

    const run = runPhase(
      runner,
      linuxJob(),
      'after_build',
      [
        command('cd "$APPVEYOR_BUILD_FOLDER"'),
        command('appveyor PushArtifact "bin/app v1.bin" -FileName "out/app v1.bin"'),
      ],
      context,
    );
    const download = await store.downloadUrl(
      'artifacts/01JS3POST/1/out/app v1.bin',
      'out/app v1.bin',
    );
    const fetched = await fetch(download.url);

    expect(run.output).toContain('Artifact out/app v1.bin (50000 bytes) pushed.');
    expect(run.report.artifacts).toEqual([
      { fileName: 'out/app v1.bin', type: 'Auto', size: 50_000, path: 'bin/app v1.bin' },
    ]);
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: 'artifacts/01JS3POST/1/out/app v1.bin',
      }),
    );
    expect(head.ContentLength).toBe(50_000);
    expect(download.expiresInSeconds).toBe(300);
    expect(fetched.status).toBe(200);
    // moto does not answer with the disposition the URL asks for; S3 does.
    expect(new URL(download.url).searchParams.get('response-content-disposition')).toBe(
      "attachment; filename*=UTF-8''app%20v1.bin",
    );
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('fails the command with the store answer when the upload is refused', async () => {
    runner = tempRunner();
    mkdirSync(join(runner.home, 'projects', 'widget'), { recursive: true });
    writeFileSync(join(runner.home, 'projects', 'widget', 'a.txt'), 'a');
    const refused: ArtifactUpload = {
      kind: 'post',
      url: `${inject('motoEndpoint')}/no-such-bucket`,
      fields: {},
      keyPrefix: 'artifacts/01JS3NO/1/',
    };

    const run = runPhase(
      runner,
      linuxJob(),
      'after_build',
      [command('cd "$APPVEYOR_BUILD_FOLDER" && appveyor PushArtifact a.txt')],
      { ...phaseContext(), artifactUpload: refused },
    );
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'artifacts/01JS3NO/' }),
    );

    expect(run.report).toMatchObject({ outcome: 'failed', exitCode: 2 });
    expect(run.output).toMatch(
      /PushArtifact: the store answered 404 for 'a\.txt': <\?xml.*<Code>NoSuchBucket</,
    );
    expect(listed.KeyCount ?? 0).toBe(0);
  });
});
