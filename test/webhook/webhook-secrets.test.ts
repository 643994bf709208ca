import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { WebhookSecrets } from '../../shared/intake/webhook-secrets.ts';
import type { SecretVersions } from '../../shared/ports/source-host.ts';

const vector = {
  secret: "It's a Secret to Everybody",
  payload: Buffer.from('Hello, World!'),
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

/** A secret source whose value the test changes, counting its loads. */
function rotatingSource(initial: SecretVersions) {
  const source = {
    versions: initial,
    loads: 0,
    load: async () => {
      source.loads += 1;
      return source.versions;
    },
  };

  return source;
}

const flip = (text: string, at: number): string =>
  text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);

const flipByte = (bytes: Buffer, at: number): Buffer => {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 1;

  return copy;
};

describe('WebhookSecrets', () => {
  it("verifies GitHub's published test vector", async () => {
    const secrets = new WebhookSecrets(rotatingSource({ current: vector.secret }));

    expect(await secrets.verify(vector.payload, vector.signature)).toBe(true);
  });

  it.each([0, 6, 12])(
    'refuses the vector with byte %i of the body flipped',
    async (at) => {
      const secrets = new WebhookSecrets(rotatingSource({ current: vector.secret }));

      expect(await secrets.verify(flipByte(vector.payload, at), vector.signature)).toBe(
        false,
      );
    },
  );

  it.each([7, 30, 70])(
    'refuses the vector with byte %i of the signature flipped',
    async (at) => {
      const secrets = new WebhookSecrets(rotatingSource({ current: vector.secret }));

      expect(await secrets.verify(vector.payload, flip(vector.signature, at))).toBe(
        false,
      );
    },
  );

  it.each([
    '',
    'sha256=',
    'sha1=757107ea0eb2509fc211221cce984b8a37570b6d',
    vector.signature.toUpperCase(),
  ])('refuses the malformed signature %j', async (signature) => {
    const secrets = new WebhookSecrets(rotatingSource({ current: vector.secret }));

    expect(await secrets.verify(vector.payload, signature)).toBe(false);
  });

  it.each([
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
    ['empty', Buffer.alloc(0)],
  ])('verifies the exact bytes of a body that is %s', async (_, body) => {
    const secrets = new WebhookSecrets(rotatingSource({ current: vector.secret }));
    const hmac = createHmac('sha256', vector.secret).update(body).digest('hex');

    expect(await secrets.verify(body, `sha256=${hmac}`)).toBe(true);
    expect(await secrets.verify(Buffer.from('x'), `sha256=${hmac}`)).toBe(false);
  });

  it('agrees with @octokit/webhooks-methods on UTF-8 bodies', async () => {
    const secrets = new WebhookSecrets(rotatingSource({ current: vector.secret }));
    const text = '{"zen":"Ünïcödé 😀 is fine"}';

    const signature = await sign(vector.secret, text);

    expect(await secrets.verify(Buffer.from(text), signature)).toBe(true);
  });

  it('accepts the previous secret during a rotation', async () => {
    const source = rotatingSource({ current: 'new-secret', previous: vector.secret });
    const secrets = new WebhookSecrets(source);

    expect(await secrets.verify(vector.payload, vector.signature)).toBe(true);
    expect(source.loads).toBe(1);
  });

  it('picks up a rotated secret on a mismatch, reloading at most once a minute', async () => {
    let clock = 0;
    const source = rotatingSource({ current: 'old-secret' });
    const secrets = new WebhookSecrets(source, { now: () => clock });
    await secrets.verify(vector.payload, vector.signature);
    source.versions = { current: vector.secret };

    clock = 30_000;
    const early = await secrets.verify(vector.payload, vector.signature);
    clock = 60_000;
    const late = await secrets.verify(vector.payload, vector.signature);
    const forged = await sign('not-the-secret', vector.payload.toString());
    await secrets.verify(vector.payload, forged);

    expect([early, late]).toEqual([false, true]);
    expect(source.loads).toBe(2);
  });

  it('tries the source again after a failed load', async () => {
    let fail = true;
    const secrets = new WebhookSecrets({
      load: async () => {
        if (fail) throw new Error('Secrets Manager unavailable');
        return { current: vector.secret };
      },
    });

    await expect(secrets.verify(vector.payload, vector.signature)).rejects.toThrow();
    fail = false;

    expect(await secrets.verify(vector.payload, vector.signature)).toBe(true);
  });
});
