/**
 * `npm start`: the main job. Plays AppVeyor's custom-images scenario through
 * the embedded backend on a fresh state folder (`--keep` keeps it; the folder
 * is `.bakehouse`, or $BAKEHOUSE_STATE_DIR, or `--state-dir`), prints each
 * build, the images and the speedup, and exits 0 when every check holds.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { argumentErrorOf } from '../shared/text/argument-error.ts';
import { runDemo } from './demo.ts';
import { BackendRunningError } from './live-backend.ts';

const usage =
  'Usage: npm start -- [--keep] [--state-dir DIR] [--verbose]\n' +
  '  --keep           keep what the state folder holds instead of starting clean\n' +
  '  --state-dir DIR  the state folder (default: $BAKEHOUSE_STATE_DIR, else .bakehouse)\n' +
  "  --verbose        log the backend's decisions, not only its errors";
const options = {
  keep: { type: 'boolean', default: false },
  'state-dir': { type: 'string' },
  verbose: { type: 'boolean', default: false },
} as const;
let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
try {
  ({ values } = parseArgs({ options }));
} catch (error) {
  process.stderr.write(`npm start: ${argumentErrorOf(error)}\n${usage}\n`);
  process.exit(2);
}
const stateDir = resolve(
  values['state-dir'] ?? process.env.BAKEHOUSE_STATE_DIR ?? '.bakehouse',
);
const print = (line: string) => process.stdout.write(`${line}\n`);

let interrupted = false;
try {
  const result = await runDemo({
    stateDir,
    keep: values.keep,
    verbose: values.verbose,
    print,
    onStarted: (stop) => {
      const interrupt = (code: number, signal: string) => () => {
        interrupted = true;
        print(`\nStopping on ${signal}: everything the scenario started ends now.`);
        void stop().finally(() => process.exit(code));
      };
      process.once('SIGINT', interrupt(130, 'SIGINT'));
      process.once('SIGTERM', interrupt(143, 'SIGTERM'));
    },
  });
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  // Stopping makes the scenario's pending requests fail: that is no failure.
  if (!interrupted) {
    // A backend already on the folder is the user's to stop: no stack trace.
    const reason =
      error instanceof BackendRunningError
        ? error.message
        : ((error as Error).stack ?? error);
    process.stderr.write(`\nThe scenario failed: ${reason}\n`);
    process.exitCode = 1;
  }
}
