import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { artifacts } from '../../bin/artifacts.ts';
import { runCommand } from '../api/capture.ts';

const api = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
const presigned =
  'https://artifacts.s3.eu-west-1.amazonaws.com/artifacts/01B/1/bin/app.zip?X-Amz-Signature=f00';

interface Sent {
  readonly url: string;
  readonly redirect?: string;
  readonly authorization?: string;
}

/** Stubs fetch as the deployed API and S3 answer; records every request. */
function fakeStack(): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    sent.push({
      url,
      ...(init.redirect && { redirect: init.redirect }),
      ...(headers.authorization && { authorization: headers.authorization }),
    });
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    if (url === `${api}/api/builds/01B/artifacts`) {
      const artifact = {
        fileName: 'bin/app.zip',
        type: 'Auto',
        size: 3,
        key: 'artifacts/01B/1/bin/app.zip',
        pushedAt: '2026-12-03T10:00:00.000Z',
      };
      return json(200, { buildId: '01B', jobs: [{ jobId: '1', artifacts: [artifact] }] });
    }
    if (url === `${api}/api/builds/01B/jobs/1/artifacts/bin/app.zip`) {
      return json(302, { url: presigned, expiresInSeconds: 300 });
    }
    if (url === presigned) return new Response('zip');

    return json(404, { message: `no route ${url}` });
  });

  return sent;
}

describe('bakehouse artifacts against a deployed stack', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  it('asks the signed API where an artifact is, and fetches it from there unsigned', async () => {
    mockClient(CloudFormationClient)
      .on(DescribeStacksCommand, { StackName: 'ci' })
      .resolves({
        Stacks: [
          {
            StackName: 'ci',
            CreationTime: new Date(),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [
              { OutputKey: 'BakehouseOperatorApiUrlA1B2', OutputValue: `${api}/` },
            ],
          },
        ],
      });
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const sent = fakeStack();
    const folder = await mkdtemp(join(tmpdir(), 'bakehouse-stack-downloads-'));

    const run = await runCommand(artifacts, [
      '01B',
      '--download',
      folder,
      '--stack',
      'ci',
    ]);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(sent.map((s) => [s.url, s.redirect, s.authorization?.slice(0, 16)])).toEqual([
      [`${api}/api/builds/01B/artifacts`, undefined, 'AWS4-HMAC-SHA256'],
      [
        `${api}/api/builds/01B/jobs/1/artifacts/bin/app.zip`,
        'manual',
        'AWS4-HMAC-SHA256',
      ],
      [presigned, undefined, undefined],
    ]);
    expect(await readFile(join(folder, 'bin', 'app.zip'), 'utf8')).toBe('zip');
  });
});
