import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretSource, SecretVersions } from '../ports/source-host.ts';

/** Raised when a secret exists but holds no string value (a binary secret, say). */
export class SecretValueMissingError extends Error {
  override readonly name = 'SecretValueMissingError';
}

/**
 * A secret in Secrets Manager: the AWSCURRENT value, and the AWSPREVIOUS one
 * when a rotation left it, so both verify while GitHub's side catches up.
 */
export class SecretsManagerSecretSource implements SecretSource {
  readonly #client: SecretsManagerClient;
  readonly #secretId: string;

  constructor(client: SecretsManagerClient, secretId: string) {
    this.#client = client;
    this.#secretId = secretId;
  }

  /** Reads both stages now. */
  async load(): Promise<SecretVersions> {
    const [current, previous] = await Promise.all([
      this.#stage('AWSCURRENT'),
      this.#stage('AWSPREVIOUS').catch((error: unknown) => {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }),
    ]);
    if (!current) {
      throw new SecretValueMissingError(
        `Secret ${this.#secretId} has no string value at stage AWSCURRENT`,
      );
    }

    return previous ? { current, previous } : { current };
  }

  async #stage(stage: string): Promise<string | undefined> {
    const answer = await this.#client.send(
      new GetSecretValueCommand({ SecretId: this.#secretId, VersionStage: stage }),
    );

    return answer.SecretString;
  }
}
