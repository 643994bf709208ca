import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunnerDecryption } from '../../shared/runners/decryption.ts';
import { localKeyFile } from '../../shared/secrets/local-key.ts';

/** A fresh state folder holding a new local key; returns the folder and the key. */
export function stateWithKey(): { stateDir: string; key: Buffer } {
  const stateDir = mkdtempSync(join(tmpdir(), 'bakehouse-secrets-'));
  const key = randomBytes(32);
  const file = localKeyFile(stateDir);
  mkdirSync(join(stateDir, 'secrets'), { recursive: true });
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600 });

  return { stateDir, key };
}

/** Runs a runner's `__bh_decrypt` on one value with bash; its stdout and exit status. */
export function decryptOnRunner(
  onRunner: RunnerDecryption,
  ciphertext: string,
  path = '/usr/bin:/bin',
): { stdout: string; status: number | null } {
  const run = spawnSync(
    'bash',
    ['-c', `${onRunner.bash}\n__bh_decrypt "$1"`, 'bash', ciphertext],
    {
      env: { PATH: path },
      encoding: 'utf8',
    },
  );

  return { stdout: run.stdout, status: run.status };
}

/** Every regular file under a folder whose bytes contain `text`, as paths. */
export function filesContaining(folder: string, text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size > 0) {
        if (readFileSync(path).includes(needle)) found.push(path);
      }
    }
  };
  walk(folder);

  return found;
}
