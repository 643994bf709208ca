import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo.ts';
import { startHttpServer } from '../../local/http-server.ts';

describe('npm start on a state folder a backend still serves', () => {
  it('refuses, naming the backend, and deletes nothing', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-guard-'));
    const server = await startHttpServer({
      routes: { 'GET /api/*': async () => ({ statusCode: 200, body: '[]' }) },
    });
    await writeFile(join(stateDir, 'endpoint'), `${server.url}\n`);
    await writeFile(join(stateDir, 'kept'), 'state of the running backend');

    try {
      const demo = runDemo({ stateDir, print: () => undefined });

      await expect(demo).rejects.toThrow(
        `A Bakehouse backend is running on the state folder ${stateDir} at ${server.url}`,
      );
      expect(existsSync(join(stateDir, 'kept'))).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
