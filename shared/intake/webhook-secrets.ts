import { verify } from '@octokit/webhooks-methods';
import type { SecretSource, SecretVersions } from '../ports/source-host.ts';

/** Options of {@link WebhookSecrets}. */
export interface WebhookSecretsOptions {
  /** The least time between two reloads caused by a mismatch. Default 60 000 ms. */
  readonly minReloadMs?: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/** The shape of an `X-Hub-Signature-256` header: `sha256=` and 64 hex digits. */
export const signatureShape = /^sha256=[0-9a-f]{64}$/;

/**
 * The webhook secret, cached, checking signatures against its current and
 * previous values so deliveries keep verifying during a rotation. A signature
 * that matches neither reloads the secret, at most once per `minReloadMs`, so
 * a rotated secret is picked up without a reload per forged request.
 */
export class WebhookSecrets {
  readonly #source: SecretSource;
  readonly #minReloadMs: number;
  readonly #now: () => number;
  #loaded?: Promise<SecretVersions>;
  #loadedAt = Number.NEGATIVE_INFINITY;

  constructor(source: SecretSource, options: WebhookSecretsOptions = {}) {
    this.#source = source;
    this.#minReloadMs = options.minReloadMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * True when `signature` is the `sha256=` HMAC of `body` under the current or
   * the previous secret; compared in constant time by @octokit/webhooks-methods.
   */
  async verify(body: string, signature: string): Promise<boolean> {
    if (!body || !signatureShape.test(signature)) return false;
    if (await matches(await this.#versions(), body, signature)) return true;
    if (this.#now() - this.#loadedAt < this.#minReloadMs) return false;

    return matches(await this.#reload(), body, signature);
  }

  #versions(): Promise<SecretVersions> {
    return this.#loaded ?? this.#reload();
  }

  #reload(): Promise<SecretVersions> {
    this.#loadedAt = this.#now();
    const loading = this.#source.load();
    this.#loaded = loading;
    // A failed load is not cached: the next delivery tries again.
    loading.catch(() => {
      if (this.#loaded === loading) this.#loaded = undefined;
    });

    return loading;
  }
}

async function matches(
  versions: SecretVersions,
  body: string,
  signature: string,
): Promise<boolean> {
  const secrets = [versions.current, versions.previous].filter((s) => !!s) as string[];
  for (const secret of secrets) {
    if (await verify(secret, body, signature)) return true;
  }

  return false;
}
