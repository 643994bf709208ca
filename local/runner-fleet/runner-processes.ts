import { processIds, procListOf } from '../proc-table.ts';

/**
 * Kills every process whose environment names this runner folder
 * (`BAKEHOUSE_RUNNER_FOLDER`, which each phase process starts with and its
 * children inherit), and returns how many. It finds what the runner's process
 * groups miss: a command started with `setsid`, or a phase left behind by an
 * embedded backend that was killed. It reads /proc: where there is none
 * (macOS), it finds nothing; a process that keeps the variable from it by
 * clearing its environment is not found either.
 */
export function killRunnerProcesses(folder: string): number {
  const mark = Buffer.from(`\0BAKEHOUSE_RUNNER_FOLDER=${folder}\0`);
  let killed = 0;
  for (const pid of processIds()) {
    if (pid === process.pid || !procListOf(pid, 'environ')?.includes(mark)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed += 1;
    } catch {
      // It ended meanwhile, or it is not ours to kill.
    }
  }

  return killed;
}
