/**
 * `npm start`: the main job. Starts the embedded backend on a fresh state
 * folder, plays AppVeyor's custom-images scenario through it, prints each
 * build, the images and the speedup, stops everything and exits 0 when every
 * check of the scenario holds.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { startBackend } from './backend.ts';
import { runCustomImagesScenario } from './scenario.ts';

const { values } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    'state-dir': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const stateDir = resolve(
  values['state-dir'] ?? process.env.BAKEHOUSE_STATE_DIR ?? '.bakehouse',
);
// The demo starts from a clean state folder unless asked to keep it.
if (!values.keep) await rm(stateDir, { recursive: true, force: true });

const print = (line: string) => process.stdout.write(`${line}\n`);
print(`Bakehouse embedded backend, state in ${stateDir}`);
const logger = new Logger({
  serviceName: 'bakehouse',
  logLevel: values.verbose ? 'INFO' : 'ERROR',
});
const backend = await startBackend({ stateDir, logger });
const stop = async (code: number) => {
  await backend.stop();
  process.exit(code);
};
process.once('SIGINT', () => void stop(130));
process.once('SIGTERM', () => void stop(143));
print(`Listening on ${backend.url} (POST /webhook, GET /api/...)`);

try {
  const result = await runCustomImagesScenario(backend, { print });
  print(result.ok ? '\nThe scenario holds.' : '\nThe scenario does not hold.');
  await stop(result.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`\nThe scenario failed: ${(error as Error).stack ?? error}\n`);
  await stop(1);
}
