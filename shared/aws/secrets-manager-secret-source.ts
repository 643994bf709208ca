import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretSource, SecretVersions } from '../ports/source-host.ts';

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
    if (!current) throw new Error(`Secret ${this.#secretId} has no string value`);

    return previous ? { current, previous } : { current };
  }

  async #stage(stage: string): Promise<string | undefined> {
    const answer = await this.#client.send(
      new GetSecretValueCommand({ SecretId: this.#secretId, VersionStage: stage }),
    );

    return answer.SecretString;
  }
}
