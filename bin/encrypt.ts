/**
 * `bakehouse encrypt [value] [--stack NAME]`: encrypts a value for a
 * `secure:` variable of appveyor.yml and prints the text to paste.
 */
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { KMSClient } from '@aws-sdk/client-kms';
import { readOrCreate } from '../local/secret-source.ts';
import { encryptWithKms, stackKeyId } from '../shared/secrets/kms.ts';
import {
  encryptLocal,
  localKeyFile,
  parseLocalKey,
} from '../shared/secrets/local-key.ts';
import { argumentErrorOf } from '../shared/text/argument-error.ts';
import { stateDirOf } from './client.ts';
import type { Command } from './commands.ts';

/** The environment variable naming the deployed stack `encrypt` uses. */
export const stackVariable = 'BAKEHOUSE_STACK';

const usage = `Usage: bakehouse encrypt [value] [--stack NAME]

Encrypts a value for appveyor.yml and prints what to write under secure:
  environment:
    MY_TOKEN:
      secure: <the printed text>
Without value, reads it from standard input (a final newline is dropped),
which keeps it out of the shell's history.
  --stack NAME  encrypt with the KMS key of the deployed stack NAME (AWS
                credentials and region from the environment; default
                $${stackVariable}); without it, with the embedded backend's
                key, $BAKEHOUSE_STATE_DIR/secrets/secure-variables.key
                (created on first use)
Exit codes: 0 encrypted, 1 the key could not be used, 2 wrong usage.`;

const options = {
  stack: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true });
  } catch (error) {
    return argumentErrorOf(error);
  }
}

/** The `encrypt` command. */
export const encrypt: Command = {
  summary: 'encrypt a value for a secure: variable (local key or a stack KMS key)',
  async run(argv) {
    const parsed = parse(argv);
    if (typeof parsed === 'string') {
      process.stderr.write(`${parsed}\n${usage}\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length > 1) {
      process.stderr.write(`Give one value (quote it).\n${usage}\n`);
      return 2;
    }
    const plaintext = positionals[0] ?? (await text(process.stdin)).replace(/\r?\n$/, '');
    if (plaintext === '') {
      process.stderr.write(`The value to encrypt is empty.\n${usage}\n`);
      return 2;
    }

    try {
      const stack = values.stack || process.env[stackVariable];
      const sealed = stack
        ? await encryptForStack(stack, plaintext)
        : await encryptForStateFolder(plaintext);
      process.stdout.write(`${sealed}\n`);
      return 0;
    } catch (error) {
      process.stderr.write(`bakehouse encrypt: ${(error as Error).message}\n`);
      return 1;
    }
  },
};

async function encryptForStateFolder(plaintext: string): Promise<string> {
  const file = localKeyFile(stateDirOf());

  return encryptLocal(plaintext, parseLocalKey(await readOrCreate(file), file));
}

async function encryptForStack(stack: string, plaintext: string): Promise<string> {
  const cloudFormation = new CloudFormationClient({});
  const kms = new KMSClient({});
  try {
    return await encryptWithKms(kms, await stackKeyId(cloudFormation, stack), plaintext);
  } finally {
    cloudFormation.destroy();
    kms.destroy();
  }
}
