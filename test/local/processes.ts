import { readdirSync, readFileSync } from 'node:fs';

/** The state letter of a process from /proc, or undefined when it does not exist. */
function processState(pid: number): { state: string; group: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');

    return { state: fields[0] ?? '', group: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** True while a process runs; a zombie nobody reaped yet counts as ended. */
export function processAlive(pid: number): boolean {
  const found = processState(pid);

  return found !== undefined && found.state !== 'Z';
}

/** The live processes of a process group (zombies left out). */
export function processGroupMembers(group: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const found = processState(pid);
      return found !== undefined && found.group === group && found.state !== 'Z';
    });
}
