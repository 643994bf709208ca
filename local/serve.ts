/**
 * `npm run serve`: keeps the embedded backend running for real webhooks and
 * for the `bakehouse` command (`npx bakehouse builds`, `show`, `logs`...),
 * with the state kept in the state folder across restarts. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { startBackend } from './backend.ts';
import {
  LocalWebhookSecretSource,
  webhookSecretFile,
  webhookSecretVariable,
} from './secret-source.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'state-dir': { type: 'string' } },
});
const port = values.port === undefined ? undefined : Number(values.port);
const backend = await startBackend({
  ...(values['state-dir'] && { stateDir: values['state-dir'] }),
  ...(port !== undefined && { port }),
}).catch((error: Error) => {
  process.stderr.write(`bakehouse serve: ${error.message}\n`);
  process.exit(1);
});
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
    (values['state-dir']
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
