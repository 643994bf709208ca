import {
  CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builds } from '../../bin/builds.ts';
import { cancel } from '../../bin/cancel.ts';
import { image } from '../../bin/image.ts';
import { rebuild } from '../../bin/rebuild.ts';
import { validate } from '../../bin/validate.ts';
import { runCommand } from '../api/capture.ts';

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Stubs the global fetch: records each request and answers `status` with `body`. */
function fakeBackend(status: number, body: unknown): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({
      url,
      method: init.method ?? 'GET',
      headers: (init.headers ?? {}) as Record<string, string>,
      ...(typeof init.body === 'string' && { body: init.body }),
    });

    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });

  return sent;
}

const endpoint = ['--endpoint', 'http://127.0.0.1:9'];

describe('bakehouse cancel, rebuild and image operations', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  it('cancel POSTs the reason and prints what was terminated', async () => {
    const sent = fakeBackend(202, {
      buildId: '01B',
      status: 'cancelled',
      reason: 'flaky',
      terminated: ['i-1'],
      alreadyCancelled: false,
    });

    const run = await runCommand(cancel, ['01B', '--reason', 'flaky', ...endpoint]);

    expect(sent).toEqual([
      {
        url: 'http://127.0.0.1:9/api/builds/01B/cancel',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"reason":"flaky"}',
      },
    ]);
    expect(run).toEqual({
      code: 0,
      stdout: 'Build 01B cancelled: flaky (1 runner terminated)\n',
      stderr: '',
    });
  });

  it('cancel exits 1 with the API message for a finished build', async () => {
    fakeBackend(409, { message: 'build 01B already finished as success' });

    const run = await runCommand(cancel, ['01B', ...endpoint]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('bakehouse cancel: build 01B already finished as success\n');
  });

  it('rebuild prints the new build id', async () => {
    const sent = fakeBackend(202, { buildId: '01NEW', rebuildOf: '01B' });

    const run = await runCommand(rebuild, ['01B', ...endpoint]);

    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: expect.stringMatching(/\/api\/builds\/01B\/rebuild$/),
    });
    expect(run.stdout).toBe('Build 01NEW requested: rebuild of 01B\n');
  });

  it('image delete sends DELETE with force, and rollback the version to go to', async () => {
    const sent = fakeBackend(200, { name: 'tools', version: 3, currentVersion: 2 });

    const deleted = await runCommand(image, [
      'delete',
      'tools',
      'v3',
      '--force',
      ...endpoint,
    ]);
    const rolled = await runCommand(image, [
      'rollback',
      'tools',
      '--to',
      'v2',
      ...endpoint,
    ]);
    const deprecated = await runCommand(image, ['deprecate', 'tools', '3', ...endpoint]);

    expect(
      sent.map((s) => `${s.method} ${new URL(s.url).pathname}${new URL(s.url).search}`),
    ).toEqual([
      'DELETE /api/images/tools/versions/3?force=true',
      'POST /api/images/tools/rollback',
      'POST /api/images/tools/versions/3/deprecate',
    ]);
    expect(sent[1]?.body).toBe('{"version":2}');
    expect([deleted.stdout, rolled.stdout, deprecated.stdout]).toEqual([
      'Image tools: v3 deleted\n',
      'Image tools: v2 is current\n',
      'Image tools: v3 deprecated\n',
    ]);
  });

  it("prints an operation's usage and exits 2 when its arguments are missing", async () => {
    const sent = fakeBackend(404, { message: "image 'delete' not found" });

    const short = await runCommand(image, ['delete', 'tools', ...endpoint]);
    const alone = await runCommand(image, ['delete', ...endpoint]);

    expect(short.code).toBe(2);
    expect(alone).toMatchObject({ code: 2, stdout: '' });
    expect(alone.stderr).toMatch(
      /^bakehouse image delete: wrong arguments\nUsage: bakehouse image rollback <name>/,
    );
    expect(alone.stderr).toContain('with bakehouse image -- <name>.');
    expect(sent).toEqual([]);
  });

  it('exits 2 naming a version that is no version number, sending nothing', async () => {
    const sent = fakeBackend(200, {});

    const deleted = await runCommand(image, ['delete', 'tools', 'v0', ...endpoint]);
    const rolled = await runCommand(image, [
      'rollback',
      'tools',
      '--to',
      'abc',
      ...endpoint,
    ]);

    expect(deleted.code).toBe(2);
    expect(deleted.stderr).toMatch(
      /^bakehouse image delete: the version is a version number such as 3 or v3, not 'v0'\n/,
    );
    expect(rolled.code).toBe(2);
    expect(rolled.stderr).toContain(
      "--to is a version number such as 3 or v3, not 'abc'",
    );
    expect(sent).toEqual([]);
  });

  it('shows an image named like an operation when the name follows --', async () => {
    const sent = fakeBackend(200, {
      name: 'delete',
      versions: [],
      updatedAt: '2026-12-03T10:00:00Z',
    });

    const run = await runCommand(image, [...endpoint, '--', 'delete']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Image delete: current none\n/);
    expect(sent.map((s) => new URL(s.url).pathname)).toEqual(['/api/images/delete']);
  });

  it("prints an operation's own usage for `image <operation> --help`", async () => {
    const sent = fakeBackend(200, {});

    const help = await runCommand(image, ['rollback', '--help']);

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: bakehouse image rollback <name> \[--to V\]/);
    expect(sent).toEqual([]);
  });

  it('with --stack, finds the API in the stack outputs and signs the request', async () => {
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(DescribeStacksCommand, { StackName: 'ci' }).resolves({
      Stacks: [
        {
          StackName: 'ci',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'WebhookUrl', OutputValue: 'https://hook.example' },
            {
              OutputKey: 'BakehouseOperatorApiUrlA1B2C3D4',
              OutputValue: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
            },
          ],
        },
      ],
    });
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const sent = fakeBackend(202, { buildId: '01NEW', rebuildOf: '01B' });

    const run = await runCommand(rebuild, ['01B', '--stack', 'ci']);

    expect(run.code).toBe(0);
    expect(sent[0]?.url).toBe(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/api/builds/01B/rebuild',
    );
    expect(sent[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=bakehouse\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('with --stack, exits 1 when the stack has no operator API output', async () => {
    mockClient(CloudFormationClient)
      .on(DescribeStacksCommand)
      .resolves({
        Stacks: [
          {
            StackName: 'old',
            CreationTime: new Date(),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [],
          },
        ],
      });

    const run = await runCommand(cancel, ['01B', '--stack', 'old']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'bakehouse cancel: Stack old has 0 outputs named like OperatorApiUrl; ' +
        'a Bakehouse stack has exactly one\n',
    );
  });
});

describe('a command given an option it does not know', () => {
  it('names the option, exits 2 and prints the usage', async () => {
    const run = await runCommand(cancel, ['01B', '--bogus']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^bakehouse cancel: unknown option '--bogus'\nUsage: /);
  });

  it('names it the same way in validate, which parses its own options', async () => {
    const run = await runCommand(validate, ['--bogus']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^bakehouse validate: unknown option '--bogus'\n/);
  });
});

describe('bakehouse builds --repo', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('exits 2 saying it takes OWNER/REPO when given a bare name', async () => {
    const sent = fakeBackend(200, { projects: [] });

    const run = await runCommand(builds, ['--repo', 'nope', ...endpoint]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "bakehouse builds: --repo takes OWNER/REPO (local/my-repo for a repository built with bakehouse build), not 'nope'\n",
    );
    expect(sent).toEqual([]);
  });
});
