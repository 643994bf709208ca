import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { phaseLogFile } from '../../local/runner-fleet/layout.ts';
import {
  buildScriptStarted,
  call,
  pushBuild,
  waitForEvents,
} from '../operations/support.ts';

const timeoutSeconds = 6;

/**
 * What a phase printed before it was stopped stays in its log, an unfinished
 * prompt included, followed by the line that says why it stopped.
 */
describe('the log of a phase stopped on the embedded backend', () => {
  let backend: Backend;

  beforeAll(async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-killed-log-'));
    backend = await startBackend({
      stateDir,
      phaseTimeoutSeconds: timeoutSeconds,
      logger: new Logger({ serviceName: 'bakehouse-test', logLevel: 'ERROR' }),
    });
  }, 120_000);
  afterAll(async () => {
    await backend?.stop();
    await rm(backend.stateDir, { recursive: true, force: true });
  });

  const logOf = (buildId: string) =>
    readFile(phaseLogFile(backend.stateDir, buildId, '1', 'build_script'), 'utf8');

  it('keeps the output of a phase past its timeout, then says it was killed', async () => {
    const buildId = await pushBuild(
      backend,
      'hangs',
      [
        'image: Ubuntu2204',
        'build_script:',
        '  - echo "before the timeout"',
        "  - printf 'Overwrite? [y/N] '; sleep 60",
        '',
      ].join('\n'),
    );

    await waitForBuild(backend.events, buildId, 60_000);
    await backend.idle();

    const log = await logOf(buildId);
    const answer = await call(
      backend,
      'GET',
      `/api/builds/${buildId}/jobs/1/phases/build_script/log`,
    );
    expect(log).toMatch(
      new RegExp(
        'before the timeout\n(.*\n)*Overwrite\\? \\[y/N\\] .*\n' +
          `Bakehouse: phase build_script killed after its timeout of ${timeoutSeconds} s\\.\n$`,
      ),
    );
    expect(answer.body.text).toContain('before the timeout');
    expect(answer.body.text).toContain('Overwrite? [y/N] ');
  });

  it('keeps the output of a phase whose build is cancelled, then says why it stopped', async () => {
    // The script says when it has printed the prompt: the cancel comes after it.
    const printed = join(await mkdtemp(join(tmpdir(), 'bakehouse-prompt-')), 'printed');
    const buildId = await pushBuild(
      backend,
      'cancelled',
      [
        'image: Ubuntu2204',
        'build_script:',
        `  - echo 'before the cancel'; printf 'Token> '; touch ${printed}; sleep 60`,
        '',
      ].join('\n'),
    );
    await waitForEvents(backend, buildId, buildScriptStarted);
    for (let i = 0; i < 200 && !existsSync(printed); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await call(backend, 'POST', `/api/builds/${buildId}/cancel`, { reason: 'no input' });
    await backend.idle();

    expect(await logOf(buildId)).toMatch(
      new RegExp(
        'before the cancel\nToken> .*\n' +
          'Bakehouse: phase build_script stopped: its runner was terminated ' +
          '\\(cancelled: no input\\)\\.\n$',
      ),
    );
  });
});
