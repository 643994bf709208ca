import type { EnvironmentVariable } from '../config/plan.ts';

/** A secure value after decryption, with a warning when it could not be read. */
export interface DecryptedValue {
  readonly value: string;
  readonly warning?: string;
}

/**
 * The decryption port for `secure:` values of a job's environment. It is
 * synchronous because the script generator is, so decrypted values end up in
 * the generated script: sent as an SSM command on AWS they would be visible
 * in the command's parameters, so a key-backed adapter must first move the
 * decryption onto the runner.
 */
export interface SecureValueDecryption {
  decrypt(variable: EnvironmentVariable): DecryptedValue;
}

/**
 * Decryption before any key exists: every secure value is empty, with a
 * warning naming the variable. Keys for secure values are not implemented yet.
 */
export const noKeyDecryption: SecureValueDecryption = {
  decrypt: (variable) => ({
    value: '',
    warning:
      `Secure variable ${variable.name} is empty: Bakehouse has no key ` +
      'to decrypt secure values yet.',
  }),
};
