import { afterEach, describe, expect, it, vi } from 'vitest';
import { logs } from '../../bin/logs.ts';
import { runCommand } from './capture.ts';

/** Stubs the global fetch with a backend whose build 01B has these jobs. */
function buildOf(status: string): void {
  const build = { buildId: '01B', status, sha: 'abc', messages: [], jobs: [] };
  vi.stubGlobal(
    'fetch',
    async () =>
      new Response(JSON.stringify(build), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
  );
}

const endpoint = ['--endpoint', 'http://127.0.0.1:9'];

afterEach(() => vi.unstubAllGlobals());

describe('bakehouse logs of a build that ran no phase', () => {
  it('points a build that ended without a phase (a config error) to show', async () => {
    buildOf('failed');

    const run = await runCommand(logs, ['01B', ...endpoint]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'bakehouse logs: build 01B ended as failed without running a phase; ' +
        'bakehouse show 01B says why\n',
    );
  });

  it('says a running build has run no phase yet', async () => {
    buildOf('running');

    const run = await runCommand(logs, ['01B', ...endpoint]);

    expect(run.stderr).toBe('bakehouse logs: build 01B has run no phase yet (running)\n');
  });
});
