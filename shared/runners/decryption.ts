import type { EnvironmentVariable, Trigger } from '../config/plan.ts';

/**
 * A secure value after decryption, with a warning when it could not be read.
 * With `ciphertext`, the runner decrypts it (`value` is then empty): the
 * script carries the ciphertext and the port's `onRunner` functions.
 */
export interface DecryptedValue {
  readonly value: string;
  readonly warning?: string;
  readonly ciphertext?: string;
}

/**
 * How a runner decrypts the values a port leaves to it: a bash function
 * `__bh_decrypt` that prints the plaintext of the ciphertext in `$1`, or
 * returns 3 when the runner lacks what it needs and 1 on any other failure.
 */
export interface RunnerDecryption {
  readonly bash: string;
  /** Why a value is empty when `__bh_decrypt` returns 3. */
  readonly unavailable: string;
}

/**
 * The decryption port for `secure:` values of a job's environment. A value
 * decrypted here would end up in the generated script, visible in the SSM
 * command's parameters on AWS, so key-backed adapters (shared/secrets)
 * return the ciphertext and let the runner decrypt it.
 */
export interface SecureValueDecryption {
  decrypt(variable: EnvironmentVariable, trigger?: Trigger): DecryptedValue;
  /** Present when some values are decrypted on the runner. */
  readonly onRunner?: RunnerDecryption;
}

/**
 * Decryption without a key (unit tests of the generator): every secure
 * value is empty, with a warning naming the variable.
 */
export const noKeyDecryption: SecureValueDecryption = {
  decrypt: (variable) => ({
    value: '',
    warning:
      `Secure variable ${variable.name} is empty: Bakehouse has no key ` +
      'to decrypt secure values.',
  }),
};
