import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SecretSource, SecretVersions } from '../shared/ports/source-host.ts';

/** The environment variable that sets the webhook secret locally. */
export const webhookSecretVariable = 'BAKEHOUSE_WEBHOOK_SECRET';

/**
 * The webhook secret of the embedded mode: BAKEHOUSE_WEBHOOK_SECRET when set,
 * otherwise `secrets/webhook-secret` in the state folder, created with a
 * random value on first use so a fresh clone works and senders can read it.
 */
export class LocalWebhookSecretSource implements SecretSource {
  readonly #file: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(stateDir: string, env: NodeJS.ProcessEnv = process.env) {
    this.#file = webhookSecretFile(stateDir);
    this.#env = env;
  }

  /** Reads the secret now; there is no previous value locally. */
  async load(): Promise<SecretVersions> {
    const fromEnv = this.#env[webhookSecretVariable];
    if (fromEnv) return { current: fromEnv };

    return { current: await readOrCreate(this.#file) };
  }
}

/** Where the state folder keeps the webhook secret. */
export function webhookSecretFile(stateDir: string): string {
  return path.join(stateDir, 'secrets', 'webhook-secret');
}

/**
 * Reads a secret file of the state folder, or creates it with 32 random bytes
 * as hex (readable by its owner only) when it does not exist yet.
 */
export async function readOrCreate(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  // 'wx' fails when another process created it first; then read theirs.
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(
    () => undefined,
  );

  return (await readFile(file, 'utf8')).trim();
}
