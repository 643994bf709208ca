import type { EnvironmentVariable, Trigger } from '../config/plan.ts';
import type {
  DecryptedValue,
  RunnerDecryption,
  SecureValueDecryption,
} from '../runners/decryption.ts';
import { parseSecureValue, type SecureScheme } from './format.ts';
import { localKeyFile } from './local-key.ts';
import { kmsOnRunner, localOnRunner } from './on-runner.ts';

/** How secure values are handled in pull-request builds. */
export interface PullRequestPolicy {
  /**
   * Decrypt secure values in pull requests from the repository itself, as
   * AppVeyor's "same repository only" setting does. Pull requests from forks
   * never get them. Default: false.
   */
  readonly allowSameRepositoryPullRequests?: boolean;
}

const schemeNames: Record<SecureScheme, string> = {
  kms: "a deployed stack's KMS key (bh1:kms:)",
  local: "an embedded backend's key (bh1:local:)",
};

/**
 * The decryption port of a backend whose runners decrypt secure values: the
 * script carries the ciphertext and `onRunner`'s function. A value is left
 * empty, with a warning, in a fork's pull request, in other pull requests
 * unless the policy allows them, and when it is not a value of this scheme.
 */
export function decryptionOnRunner(
  scheme: SecureScheme,
  onRunner: RunnerDecryption,
  policy: PullRequestPolicy = {},
): SecureValueDecryption {
  const empty = (variable: EnvironmentVariable, why: string): DecryptedValue => ({
    value: '',
    warning: `Secure variable ${variable.name} is empty: ${why}.`,
  });

  return {
    onRunner,
    decrypt: (variable, trigger?: Trigger) => {
      const pullRequest = trigger?.pullRequest;
      if (pullRequest?.fromFork) {
        return empty(
          variable,
          'secure values are not decrypted for pull requests from forks',
        );
      }
      if (pullRequest && !policy.allowSameRepositoryPullRequests) {
        return empty(variable, 'secure values are not decrypted for pull requests');
      }
      let parsed: ReturnType<typeof parseSecureValue>;
      try {
        parsed = parseSecureValue(variable.value);
      } catch (error) {
        return empty(variable, (error as Error).message);
      }
      if (parsed.scheme !== scheme) {
        return empty(
          variable,
          `it was encrypted with ${schemeNames[parsed.scheme]}, and this Bakehouse ` +
            `decrypts values encrypted with ${schemeNames[scheme]}; ` +
            'encrypt it again with `bakehouse encrypt`',
        );
      }

      return { value: '', ciphertext: variable.value.trim() };
    },
  };
}

/** The embedded mode's decryption: local runners open values with the state folder's key. */
export function localDecryption(
  stateDir: string,
  policy: PullRequestPolicy = {},
): SecureValueDecryption {
  return decryptionOnRunner(
    'local',
    localOnRunner(localKeyFile(stateDir), process.execPath),
    policy,
  );
}

/** The deployed stack's decryption: EC2 runners open values with KMS in their region. */
export function kmsDecryption(
  region: string,
  policy: PullRequestPolicy = {},
): SecureValueDecryption {
  return decryptionOnRunner('kms', kmsOnRunner(region), policy);
}
