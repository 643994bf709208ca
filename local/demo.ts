import { rm } from 'node:fs/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { startBackend } from './backend.ts';
import { refuseBesideLiveBackend } from './live-backend.ts';
import { runCustomImagesScenario, type ScenarioResult } from './scenario.ts';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly stateDir: string;
  /** Keep what the state folder holds instead of starting clean. */
  readonly keep?: boolean;
  readonly print: (line: string) => void;
  /** Log the backend's decisions (INFO) instead of errors only. */
  readonly verbose?: boolean;
  /** The primes table size: the cost of the tool image's install. */
  readonly primesTableLimit?: number;
  /** Called once the backend runs, with a way to stop it early (Ctrl-C). */
  readonly onStarted?: (stop: () => Promise<void>) => void;
}

/**
 * The main job behind `npm start`: starts the embedded backend, plays the
 * custom-images scenario through it over HTTP, and stops everything it
 * started, whatever happens. The end-to-end test calls it too.
 */
export async function runDemo(options: DemoOptions): Promise<ScenarioResult> {
  const { print, stateDir } = options;
  await refuseBesideLiveBackend(stateDir);
  // The demo starts from a clean state folder unless asked to keep it.
  if (!options.keep) await rm(stateDir, { recursive: true, force: true });
  print(`Bakehouse embedded backend, state in ${stateDir}`);
  const logger = new Logger({
    serviceName: 'bakehouse',
    logLevel: options.verbose ? 'INFO' : 'ERROR',
  });
  const backend = await startBackend({ stateDir, logger });
  options.onStarted?.(() => backend.stop());
  print(`Listening on ${backend.url} (POST /webhook, GET /api/...)`);
  try {
    const result = await runCustomImagesScenario(backend, {
      print,
      ...(options.primesTableLimit && { primesTableLimit: options.primesTableLimit }),
    });
    print(result.ok ? '\nThe scenario holds.' : '\nThe scenario does not hold.');

    return result;
  } finally {
    await backend.stop();
  }
}
