import { createCipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import { formatSecureValue } from './format.ts';

/**
 * The embedded mode's key for secure values: 32 random bytes, written as hex
 * in `secrets/secure-variables.key` of the state folder. Values are sealed
 * with AES-256-GCM as `bh1:local:<base64 of iv, tag, ciphertext>`.
 */

/** Where the state folder keeps the key of secure values. */
export function localKeyFile(stateDir: string): string {
  return path.join(stateDir, 'secrets', 'secure-variables.key');
}

/** Error raised for a key file whose content is not a 256-bit key. */
export class LocalKeyError extends Error {
  override name = 'LocalKeyError';
}

/** Reads the hex text of a key file as the key's 32 bytes. */
export function parseLocalKey(text: string, file: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new LocalKeyError(`${file} does not hold a 256-bit key as 64 hex digits.`);
  }

  return Buffer.from(hex, 'hex');
}

/** Encrypts a value with the local key, as the text to paste under `secure:`. */
export function encryptLocal(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);

  return formatSecureValue('local', Buffer.concat([iv, cipher.getAuthTag(), sealed]));
}
