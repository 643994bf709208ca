import { vi } from 'vitest';
import type { Command } from '../../bin/commands.ts';

/** What a command printed and returned. */
export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command still running: what it printed so far, and its end. */
export interface StartedCommand {
  stdout(): string;
  readonly finished: Promise<CommandRun>;
}

/**
 * Starts a command with its arguments, capturing what it writes to stdout
 * and stderr while it runs (for a command that follows a build).
 */
export function startCommand(command: Command, argv: string[]): StartedCommand {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const finished = command
    .run(argv)
    .then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }))
    .finally(() => {
      stdout.mockRestore();
      stderr.mockRestore();
    });

  return { stdout: () => out.join(''), finished };
}

/** Runs a command with its arguments, capturing what it writes to stdout and stderr. */
export async function runCommand(command: Command, argv: string[]): Promise<CommandRun> {
  return startCommand(command, argv).finished;
}
