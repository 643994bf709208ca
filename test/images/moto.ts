import { type ChildProcess, spawn } from 'node:child_process';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { freePort, localCredentials } from '../../local/dynamodb-local.ts';

/** A moto_server started by one test file. */
export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto_server on a free port and waits until EC2 answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'moto_server',
    ['-H', '127.0.0.1', '-p', String(port)],
    {
      stdio: 'ignore',
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const probe = ec2Client(endpoint);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      try {
        await probe.send(new DescribeRegionsCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.destroy();
  }

  return { endpoint, stop };
}

/** An EC2 client of a moto_server. */
export function ec2Client(endpoint: string): EC2Client {
  return new EC2Client({
    endpoint,
    region: 'us-east-1',
    credentials: localCredentials,
    maxAttempts: 1,
  });
}
