import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logs } from '../../bin/logs.ts';
import { type Backend, startBackend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { startCommand } from '../api/capture.ts';
import {
  buildScriptStarted,
  call,
  pushBuild,
  waitForEvents,
} from '../operations/support.ts';

/** Polls `read` until `holds` accepts its value; fails after `timeoutMs`. */
async function eventually<T>(
  what: string,
  read: () => Promise<T> | T,
  holds: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The output of a running phase reaches readers while the phase runs, line
 * by line, through the real runner script, local fleet, read API and CLI.
 */
describe('the live log of a running phase on the embedded backend', () => {
  let backend: Backend;
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bakehouse-live-log-'));
    backend = await startBackend({
      stateDir: join(folder, 'state'),
      logger: new Logger({ serviceName: 'bakehouse-test', logLevel: 'ERROR' }),
    });
  }, 120_000);
  afterAll(async () => {
    await backend?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('shows the output without the report the runner prints for Bakehouse', async () => {
    const buildId = await pushBuild(
      backend,
      'report',
      'image: Ubuntu2204\nbuild_script:\n  - echo built\n',
    );
    await waitForBuild(backend.events, buildId, 60_000);

    const clone = await call(
      backend,
      'GET',
      `/api/builds/${buildId}/jobs/1/phases/clone/log`,
    );
    const build = await startCommand(logs, [buildId, '--endpoint', backend.url]).finished;

    expect(clone.body.text).toMatch(/^git fetch .*\nChecked out .*\n$/);
    expect(clone.body.nextOffset).toBeGreaterThan(
      Buffer.byteLength(String(clone.body.text)),
    );
    expect(build.stdout).toContain('built\n');
    expect(build.stdout).not.toContain('bakehouse-phase-result');
  });

  it('shows a line through the API and `logs --follow` before the phase prints the next', async () => {
    const release = join(folder, 'release');
    const buildId = await pushBuild(
      backend,
      'live',
      [
        'image: Ubuntu2204',
        'build_script:',
        '  - echo "first line"',
        `  - while [ ! -e '${release}' ]; do sleep 0.1; done`,
        '  - echo "second line"',
        '',
      ].join('\n'),
    );
    await waitForEvents(backend, buildId, buildScriptStarted);
    const path = `/api/builds/${buildId}/jobs/1/phases/build_script/log`;
    const following = startCommand(logs, [
      buildId,
      '--follow',
      '--phase',
      'build_script',
      '--interval',
      '50',
      '--endpoint',
      backend.url,
    ]);

    let piece: Awaited<ReturnType<typeof call>>;
    let followed: string;
    try {
      piece = await eventually(
        'the first line in the API',
        () => call(backend, 'GET', path),
        (answer) => String(answer.body.text).includes('first line'),
      );
      followed = await eventually(
        'the first line in `logs --follow`',
        () => following.stdout(),
        (text) => text.includes('first line'),
      );
    } finally {
      await writeFile(release, '');
    }
    const { code, stdout } = await following.finished;

    expect(piece.body.running).toBe(true);
    expect(piece.body.text).not.toContain('second line');
    expect(followed).not.toContain('second line');
    expect(code).toBe(0);
    expect(stdout).toMatch(/first line\n(.*\n)*second line\n/);
    expect(stdout).not.toContain('bakehouse-phase-result');
  });
});
