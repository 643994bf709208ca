import type { RunnerDecryption } from '../runners/decryption.ts';
import { bashQuote as q } from '../runners/quoting.ts';

/**
 * The bash functions with which runners decrypt secure values. The plaintext
 * goes from the decrypting process to the script through a pipe, never
 * through a file; the script masks it in everything the phase prints.
 */

/** The KMS encryption context of every Bakehouse secure value. */
export const kmsEncryptionContext = { purpose: 'bakehouse-secure-variable' } as const;

/**
 * Decryption on an EC2 runner: `aws kms decrypt` with the instance profile's
 * credentials. Runners need the AWS CLI, which Canonical's Ubuntu images do not
 * carry: on a runner without it every secure value is empty, with a warning
 * saying so; bake an image that has it (or install it in `init`).
 */
export function kmsOnRunner(region: string): RunnerDecryption {
  const context = Object.entries(kmsEncryptionContext)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

  return {
    unavailable: 'the runner has no AWS CLI (aws) to call KMS with',
    bash: [
      '__bh_decrypt() {',
      '  local answer',
      '  command -v aws > /dev/null 2>&1 || return 3',
      `  answer=$(aws kms decrypt --region ${q(region)} --output text --query Plaintext \\`,
      `    --encryption-context ${q(context)} \\`,
      `    --ciphertext-blob fileb://<(printf '%s' "\${1##*:}" | base64 -d)) || return 1`,
      `  printf '%s' "$answer" | base64 -d`,
      '}',
    ].join('\n'),
  };
}

/**
 * The program a local runner's node runs to decrypt one `bh1:local:` value:
 * key file and value as arguments, plaintext on stdout; exit 3 when the key
 * file cannot be read, 1 when the value does not open with it.
 */
const localProgram = `const crypto = require('node:crypto');
const fs = require('node:fs');
const [file, text] = process.argv.slice(1);
let key;
try { key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex'); }
catch { process.exit(3); }
const blob = Buffer.from(text.slice(text.lastIndexOf(':') + 1), 'base64');
try {
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
  decipher.setAuthTag(blob.subarray(12, 28));
  process.stdout.write(Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]));
} catch { process.exit(1); }
`;

/**
 * Decryption on a local runner: the node that runs Bakehouse opens the value
 * with the state folder's key file. Local runners run as the user who started
 * Bakehouse, so they can read that file; nothing else separates them from it.
 */
export function localOnRunner(keyFile: string, node: string): RunnerDecryption {
  return {
    unavailable: `the key file ${keyFile} cannot be read (create it with bakehouse encrypt)`,
    bash: `__bh_decrypt() {\n  ${q(node)} -e ${q(localProgram)} ${q(keyFile)} "$1"\n}`,
  };
}
