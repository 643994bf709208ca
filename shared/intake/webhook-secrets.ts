import { createHmac, timingSafeEqual } from 'node:crypto';
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
   * True when `signature` is the `sha256=` HMAC of the exact bytes of `body`
   * under the current or the previous secret, compared in constant time.
   *
   * @octokit/webhooks-methods (6.0.0, its latest) is not used here: its
   * `verify` and `sign` take the payload as a string only, hash that
   * string's UTF-8, and throw on an empty one, so a body that is not UTF-8
   * or is empty could not be verified as GitHub signed it. This is the same
   * computation over the raw bytes; the tests sign with the library.
   */
  async verify(body: Uint8Array, signature: string): Promise<boolean> {
    if (!signatureShape.test(signature)) return false;
    if (matches(await this.#versions(), body, signature)) return true;
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

function matches(versions: SecretVersions, body: Uint8Array, signature: string): boolean {
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  const secrets = [versions.current, versions.previous].filter((s) => !!s) as string[];

  return secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(body).digest();

    return timingSafeEqual(given, expected);
  });
}
