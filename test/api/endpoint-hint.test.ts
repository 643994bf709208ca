import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../bin/client.ts';

describe('the CLI with no backend known', () => {
  it('says to start serve on the state folder BAKEHOUSE_STATE_DIR names', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'bakehouse-hint-'));

    const resolving = resolveEndpoint(undefined, { BAKEHOUSE_STATE_DIR: stateDir });

    await expect(resolving).rejects.toThrow(
      `no ${path.join(stateDir, 'endpoint')}; ` +
        `start one with \`npm run serve -- --state-dir ${stateDir}\``,
    );
  });

  it('says plain npm run serve for the default state folder', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'bakehouse-hint-cwd-'));
    const before = process.cwd();
    process.chdir(cwd);

    try {
      await expect(resolveEndpoint(undefined, {})).rejects.toThrow(
        /; start one with `npm run serve`$/,
      );
    } finally {
      process.chdir(before);
    }
  });
});
