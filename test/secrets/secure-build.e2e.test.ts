import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../../local/backend.ts';
import { waitForBuild } from '../../local/build-waiter.ts';
import { sendPush } from '../../local/push-sender.ts';
import { phaseLogFile } from '../../local/runner-fleet/layout.ts';
import { encryptLocal } from '../../shared/secrets/local-key.ts';
import { gitRepository } from '../api/git-repository.ts';
import { filesContaining, stateWithKey } from './support.ts';

const plaintext = 'hunter2-the-secure-value-of-the-e2e-build';
/** A value JSON escapes and regular expressions misread; its middle is found in any encoding. */
const tricky = 'say "cheese" \\ to .* the-tricky-value-of-the-e2e-build';
const trickyCore = 'the-tricky-value-of-the-e2e-build';

/** A Powertools logger whose every line is kept, as text, instead of printed. */
function capturingLogger(lines: string[]): Logger {
  const logger = new Logger({ serviceName: 'bakehouse-test' });
  for (const level of ['debug', 'info', 'warn', 'error', 'critical'] as const) {
    logger[level] = (...args: unknown[]) => {
      lines.push(JSON.stringify(args));
    };
  }

  return logger;
}

describe('a secure value through a whole local build', () => {
  let backend: Backend;
  let stateDir: string;
  let ciphertext: string;
  let trickyCiphertext: string;
  let buildId: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    const state = stateWithKey();
    stateDir = state.stateDir;
    ciphertext = encryptLocal(plaintext, state.key);
    trickyCiphertext = encryptLocal(tricky, state.key);
    backend = await startBackend({ stateDir, logger: capturingLogger(logLines) });
    const repo = await gitRepository('secure-app', {
      'appveyor.yml': [
        'image: Ubuntu2204',
        'environment:',
        '  API_TOKEN:',
        `    secure: ${ciphertext}`,
        '  TRICKY:',
        `    secure: ${trickyCiphertext}`,
        'build_script:',
        '  - echo "the token is $API_TOKEN"',
        '  - printf "%s\\n" "$API_TOKEN" | fold -w 1000',
        '  - appveyor SetVariable -Name COPY -Value "$TRICKY"',
        '  - appveyor AddMessage "tricky is $TRICKY" -Category Warning -Details "$TRICKY"',
        'test_script:',
        '  - echo "the copy is $COPY"',
        '',
      ].join('\n'),
    });
    const answer = await sendPush(backend.url, stateDir, repo.folder);
    buildId = String(answer.body.buildId);
    await waitForBuild(backend.events, buildId, 120_000);
    await backend.idle();
  }, 180_000);
  afterAll(async () => {
    await backend?.stop();
  });

  it('succeeds, and the command output shows *** for the value', async () => {
    const view = await backend.queries.getBuild(buildId);
    const log = await readFile(
      phaseLogFile(stateDir, buildId, '1', 'build_script'),
      'utf8',
    );

    expect(view?.status).toBe('success');
    expect(log).toContain('the token is ***');
    expect(log).toMatch(/^\*\*\*$/m);
  });

  it('writes the value to no event of any stream, and the ciphertext only', async () => {
    const events = JSON.stringify(await backend.events.scanAll());

    expect(events).toContain(ciphertext);
    expect(events).not.toContain(plaintext);
  });

  it('masks a value with quotes and backslashes set as a variable and in a message', async () => {
    const events = JSON.stringify(await backend.events.scanAll());
    const view = await backend.queries.getBuild(buildId);
    const log = await readFile(
      phaseLogFile(stateDir, buildId, '1', 'test_script'),
      'utf8',
    );

    expect(events).toContain(trickyCiphertext);
    expect(events).not.toContain(trickyCore);
    expect(view?.messages.map((m) => m.message)).toContain('tricky is ***');
    expect(log).toContain('the copy is ***');
  });

  it('writes the value to no view', async () => {
    const views = JSON.stringify([
      await backend.queries.listProjects(),
      await backend.queries.listBuilds('local/secure-app'),
      await backend.queries.getBuild(buildId),
    ]);

    expect(views).toContain(buildId);
    expect(views).not.toContain(plaintext);
    expect(views).not.toContain(trickyCore);
  });

  it('writes the value to no log line, commit statuses included', () => {
    const statuses = logLines.filter((line) => line.includes('commit status'));

    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(logLines.filter((line) => line.includes(plaintext))).toEqual([]);
    expect(logLines.filter((line) => line.includes(trickyCore))).toEqual([]);
  });

  it('writes the value to no file of the state folder: logs, runners, tables', async () => {
    await backend.stop();

    expect(filesContaining(join(stateDir, 'logs'), 'the token is ***')).not.toEqual([]);
    expect(filesContaining(join(stateDir, 'dynamodb'), ciphertext)).not.toEqual([]);
    expect(filesContaining(stateDir, plaintext)).toEqual([]);
    expect(filesContaining(stateDir, trickyCore)).toEqual([]);
  });
});
