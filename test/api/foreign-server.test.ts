import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { artifacts } from '../../bin/artifacts.ts';
import { build } from '../../bin/build.ts';
import { builds } from '../../bin/builds.ts';
import { cancel } from '../../bin/cancel.ts';
import type { Command } from '../../bin/commands.ts';
import { image } from '../../bin/image.ts';
import { images } from '../../bin/images.ts';
import { logs } from '../../bin/logs.ts';
import { show } from '../../bin/show.ts';
import { runCommand } from './capture.ts';
import { gitRepository } from './git-repository.ts';

/** What the server that is not Bakehouse answers every request with, status 200. */
let answer: { type: string; body: string };

/** A web server that answers 200 to everything, as a server that is not Bakehouse would. */
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => vi.unstubAllEnvs());
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const webPage = {
  type: 'text/html; charset=utf-8',
  body: '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>',
};
const otherApi = { type: 'application/json', body: '{"hello":"world"}' };

const notBakehouse = (name: string, detail: string) =>
  `bakehouse ${name}: ${url} answered something that is not the Bakehouse API (${detail})\n`;

const calls: [string, Command, string[], string, string][] = [
  ['show', show, ['01B'], 'GET /api/builds/01B', 'a build, at buildId'],
  ['logs', logs, ['01B'], 'GET /api/builds/01B', 'a build, at buildId'],
  ['images', images, [], 'GET /api/images', 'a list of images, at images'],
  ['image', image, ['tools'], 'GET /api/images/tools', 'an image, at name'],
  ['builds', builds, [], 'GET /api/projects', 'a list of projects, at projects'],
  [
    'artifacts',
    artifacts,
    ['01B'],
    'GET /api/builds/01B/artifacts',
    "a build's artifacts, at buildId",
  ],
  ['cancel', cancel, ['01B'], 'POST /api/builds/01B/cancel', 'a cancel, at buildId'],
];

describe('the bakehouse commands against a server that is not Bakehouse', () => {
  it.each(calls)(
    '%s exits 1 on a web page, saying so',
    async (name, command, args, request) => {
      answer = webPage;

      const run = await runCommand(command, [...args, '--endpoint', url]);

      expect(run).toEqual({
        code: 1,
        stdout: '',
        stderr: notBakehouse(
          name,
          `${request} answered 200 with text/html; charset=utf-8, not JSON`,
        ),
      });
    },
  );

  it.each(calls)(
    '%s exits 1 on JSON of another kind, naming what it expected',
    async (name, command, args, request, expected) => {
      answer = otherApi;

      const run = await runCommand(command, [...args, '--endpoint', url]);

      expect(run).toEqual({
        code: 1,
        stdout: '',
        stderr: notBakehouse(name, `${request} answered JSON that is not ${expected}`),
      });
    },
  );

  it('build exits 1 on a web page instead of printing it', async () => {
    answer = webPage;
    vi.stubEnv('BAKEHOUSE_STATE_DIR', await mkdtemp(path.join(tmpdir(), 'bh-state-')));
    vi.stubEnv('BAKEHOUSE_WEBHOOK_SECRET', 'not-used');
    const repo = await gitRepository('app', { 'appveyor.yml': 'build: off\n' });

    const run = await runCommand(build, [repo.folder, '--endpoint', url]);

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: notBakehouse(
        'build',
        'POST /webhook answered 200 with text/html; charset=utf-8, not JSON',
      ),
    });
  });
});
