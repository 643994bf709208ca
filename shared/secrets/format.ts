/**
 * The text form of a secure value: `bh1:<scheme>:<base64>`. The scheme says
 * which key can open it, so a value encrypted for a deployed stack fails
 * clearly in the embedded mode, and the other way round.
 */

/** Where a secure value's key lives: the stack's KMS key, or the state folder. */
export type SecureScheme = 'kms' | 'local';

/** The version tag every Bakehouse secure value starts with. */
export const secureValueVersion = 'bh1';

const schemes: readonly SecureScheme[] = ['kms', 'local'];

/** Error raised for a `secure:` value that is not a Bakehouse ciphertext. */
export class SecureValueFormatError extends Error {
  override name = 'SecureValueFormatError';
}

/** A parsed secure value: its scheme and the encrypted bytes. */
export interface SecureCiphertext {
  readonly scheme: SecureScheme;
  readonly blob: Buffer;
}

/** Writes encrypted bytes as the text to paste under `secure:`. */
export function formatSecureValue(scheme: SecureScheme, blob: Uint8Array): string {
  return `${secureValueVersion}:${scheme}:${Buffer.from(blob).toString('base64')}`;
}

/** Reads the text of a `secure:` value; throws a SecureValueFormatError saying why not. */
export function parseSecureValue(text: string): SecureCiphertext {
  const [version, scheme, data, ...rest] = text.trim().split(':');
  if (version !== secureValueVersion || rest.length > 0 || data === undefined) {
    throw new SecureValueFormatError(
      `it is not a Bakehouse secure value (${secureValueVersion}:<scheme>:<base64>); ` +
        'encrypt it with `bakehouse encrypt`',
    );
  }
  if (!schemes.includes(scheme as SecureScheme)) {
    throw new SecureValueFormatError(
      `its scheme '${scheme}' is unknown (kms or local are known)`,
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    throw new SecureValueFormatError('its ciphertext is not base64');
  }

  return { scheme: scheme as SecureScheme, blob: Buffer.from(data, 'base64') };
}
