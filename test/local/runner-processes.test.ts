import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { killRunnerProcesses } from '../../local/runner-fleet/runner-processes.ts';
import { processAlive } from './processes.ts';

/** A process in a session of its own (detached), as an orphaned phase leaves one. */
function orphanOf(folder: string): number {
  const child = spawn('sleep', ['60'], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH, BAKEHOUSE_RUNNER_FOLDER: folder },
  });
  child.unref();

  return child.pid as number;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++)
    await new Promise((r) => setTimeout(r, 25));
}

describe('killRunnerProcesses', () => {
  it("kills the processes of one runner's folder and no other runner's", async () => {
    const mine = orphanOf('/tmp/bakehouse-test/runners/local-a');
    const other = orphanOf('/tmp/bakehouse-test/runners/local-a2');
    await until(() => processAlive(mine) && processAlive(other));

    try {
      const killed = killRunnerProcesses('/tmp/bakehouse-test/runners/local-a');

      await until(() => !processAlive(mine));
      expect(killed).toBe(1);
      expect(processAlive(mine)).toBe(false);
      expect(processAlive(other)).toBe(true);
    } finally {
      killRunnerProcesses('/tmp/bakehouse-test/runners/local-a');
      killRunnerProcesses('/tmp/bakehouse-test/runners/local-a2');
    }
  });
});
