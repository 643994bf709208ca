import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBackend } from '../../local/backend.ts';
import {
  type LocalHttpServer,
  PortInUseError,
  startHttpServer,
} from '../../local/http-server.ts';
import { BackendRunningError, takeBackendLock } from '../../local/live-backend.ts';
import { parseServeArgs, ServeUsageError } from '../../local/serve-options.ts';

/** A state folder whose `endpoint` file names a server that answers. */
async function servedStateDir(): Promise<{ stateDir: string; server: LocalHttpServer }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-serve-guard-'));
  const server = await startHttpServer({
    routes: { 'GET /api/*': async () => ({ statusCode: 200, body: '[]' }) },
  });
  await writeFile(join(stateDir, 'endpoint'), `${server.url}\n`);

  return { stateDir, server };
}

/** Runs an entry point (`local/serve.ts`) with these arguments until it exits. */
function entry(
  file: string,
  args: string[],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', file, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('the options of npm run serve', () => {
  it('takes a port and a state folder', () => {
    expect(parseServeArgs(['--port', '8080', '--state-dir', '/tmp/s'])).toEqual({
      port: 8080,
      stateDir: '/tmp/s',
    });
  });

  it('refuses a port that is no number from 0 to 65535, saying which', () => {
    expect(() => parseServeArgs(['--port', 'abc'])).toThrow(
      new ServeUsageError("--port takes a number from 0 to 65535, not 'abc'"),
    );
    expect(() => parseServeArgs(['--port', '70000'])).toThrow(
      '--port takes a number from 0 to 65535, not 70000',
    );
  });

  it('names an unknown option without advice about positional arguments', () => {
    expect(() => parseServeArgs(['--bogus'])).toThrow(
      new ServeUsageError("unknown option '--bogus'"),
    );
  });
});

describe('a second backend on a state folder a backend serves', () => {
  it('is refused before it starts anything, naming the running one', async () => {
    const { stateDir, server } = await servedStateDir();

    try {
      const started = startBackend({ stateDir });

      await expect(started).rejects.toThrow(
        new BackendRunningError(stateDir, server.url),
      );
      expect(existsSync(join(stateDir, 'dynamodb'))).toBe(false);
      expect(existsSync(join(stateDir, 'endpoint'))).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe('npm run serve started wrongly', () => {
  it('exits 2 with one line and the usage for a bad port, no stack trace', async () => {
    const run = await entry('local/serve.ts', ['--port', 'abc']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^npm run serve: --port takes a number .*\nUsage: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 naming the backend that already serves the state folder', async () => {
    const { stateDir, server } = await servedStateDir();

    try {
      const run = await entry('local/serve.ts', ['--state-dir', stateDir]);

      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `npm run serve: ${new BackendRunningError(stateDir, server.url).message}\n`,
      );
    } finally {
      await server.stop();
    }
  });
});

describe('the local HTTP server on a port that is taken', () => {
  it('fails with PortInUseError naming the port', async () => {
    const first = await startHttpServer({});

    try {
      await expect(startHttpServer({ port: first.port })).rejects.toThrow(
        new PortInUseError(first.port),
      );
    } finally {
      await first.stop();
    }
  });
});

describe('npm start given an option it does not know', () => {
  it('exits 2 naming the option, with the usage, before starting anything', async () => {
    const run = await entry('local/main.ts', ['--bogus']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^npm start: unknown option '--bogus'\nUsage: npm start -- /,
    );
  });
});

describe('a second backend on a state folder another is still starting on', () => {
  it('is refused by the lock the first took, naming its process', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-serve-lock-'));
    const release = takeBackendLock(stateDir);

    try {
      await expect(startBackend({ stateDir })).rejects.toThrow(
        new BackendRunningError(stateDir, `process ${process.pid}`),
      );
      expect(existsSync(join(stateDir, 'dynamodb'))).toBe(false);
    } finally {
      release();
    }
    expect(existsSync(join(stateDir, 'backend.lock'))).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-serve-lock-'));
    // No process has this id: Linux's pid_max is at most 2^22.
    await writeFile(join(stateDir, 'backend.lock'), '99999999\n');

    const release = takeBackendLock(stateDir);

    expect(readFileSync(join(stateDir, 'backend.lock'), 'utf8')).toBe(`${process.pid}\n`);
    release();
  });
});
