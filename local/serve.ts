/**
 * `npm run serve`: keeps the embedded backend running for real webhooks and
 * for the `bakehouse` command (`npx bakehouse builds`, `show`, `logs`...),
 * with the state kept in the state folder across restarts. Ctrl-C stops it.
 */
import { type Backend, startBackend } from './backend.ts';
import { PortInUseError } from './http-server.ts';
import { BackendRunningError } from './live-backend.ts';
import {
  LocalWebhookSecretSource,
  webhookSecretFile,
  webhookSecretVariable,
} from './secret-source.ts';
import { parseServeArgs, ServeUsageError, serveUsage } from './serve-options.ts';

let values: ReturnType<typeof parseServeArgs>;
let backend: Backend;
try {
  values = parseServeArgs(process.argv.slice(2));
  backend = await startBackend(values);
} catch (error) {
  // A mistake of the person starting it gets one line, not a stack trace.
  if (error instanceof ServeUsageError) {
    process.stderr.write(`npm run serve: ${error.message}\n${serveUsage}\n`);
    process.exit(2);
  }
  if (error instanceof BackendRunningError || error instanceof PortInUseError) {
    process.stderr.write(`npm run serve: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
// Made now, not at the first delivery, so a sender can read it at once.
await new LocalWebhookSecretSource(backend.stateDir).load();
const secretAt = process.env[webhookSecretVariable]
  ? `$${webhookSecretVariable}`
  : webhookSecretFile(backend.stateDir);
process.stdout.write(
  `Bakehouse serving on ${backend.url}\n` +
    `  webhooks: POST ${backend.url}/webhook (secret in ${secretAt})\n` +
    `  read API: GET ${backend.url}/api/projects, /api/builds/<id>, /api/images ...\n` +
    '  try: npx bakehouse build <path to a git repository>, then npx bakehouse builds\n' +
    (values.stateDir
      ? `  the bakehouse command finds this backend with BAKEHOUSE_STATE_DIR=${backend.stateDir}` +
        ` (or --endpoint ${backend.url})\n`
      : ''),
);
const stop = async () => {
  await backend.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
