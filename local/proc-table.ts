import { readdirSync, readFileSync } from 'node:fs';

/**
 * The process table as Linux's /proc shows it. Where there is none (macOS)
 * it holds nothing, and whoever searches it finds nothing.
 */

/** The ids of every process /proc lists. */
export function processIds(): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

/** A NUL-separated file of a process (environ, cmdline), framed by NULs, if readable. */
export function procListOf(pid: number, file: 'environ' | 'cmdline'): Buffer | undefined {
  try {
    const list = readFileSync(`/proc/${pid}/${file}`);

    return Buffer.concat([Buffer.from([0]), list, Buffer.from([0])]);
  } catch {
    return undefined;
  }
}
