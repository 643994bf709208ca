import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatSecureValue,
  parseSecureValue,
  SecureValueFormatError,
} from '../../shared/secrets/format.ts';
import {
  encryptLocal,
  LocalKeyError,
  localKeyFile,
  parseLocalKey,
} from '../../shared/secrets/local-key.ts';
import { localOnRunner } from '../../shared/secrets/on-runner.ts';
import { decryptOnRunner, stateWithKey } from './support.ts';

describe('the secure value format', () => {
  it('writes bytes as bh1:<scheme>:<base64> and reads them back', () => {
    const blob = Buffer.from([0, 1, 2, 250, 255]);

    const text = formatSecureValue('kms', blob);

    expect(text).toBe('bh1:kms:AAEC+v8=');
    expect(parseSecureValue(text)).toEqual({ scheme: 'kms', blob });
  });

  it.each([
    [
      'an AppVeyor ciphertext',
      'gKzH4lfYbGWdbXkgV6gYmg==',
      /not a Bakehouse secure value/,
    ],
    ['another version', 'bh2:local:AAAA', /not a Bakehouse secure value/],
    ['an unknown scheme', 'bh1:vault:AAAA', /scheme 'vault' is unknown/],
    ['text that is not base64', 'bh1:local:not base64!', /not base64/],
  ])('refuses %s, saying why', (_, text, reason) => {
    expect(() => parseSecureValue(text)).toThrow(SecureValueFormatError);
    expect(() => parseSecureValue(text)).toThrow(reason);
  });
});

describe('the local key', () => {
  it('reads a key file of 64 hex digits and refuses anything else', () => {
    const key = randomBytes(32);

    expect(parseLocalKey(`${key.toString('hex')}\n`, 'k')).toEqual(key);
    expect(() => parseLocalKey('abc', '/state/secrets/k')).toThrow(LocalKeyError);
    expect(() => parseLocalKey('abc', '/state/secrets/k')).toThrow('/state/secrets/k');
  });

  it('seals a value differently each time, as bh1:local:', () => {
    const key = randomBytes(32);

    const first = encryptLocal('hunter2', key);
    const second = encryptLocal('hunter2', key);

    expect(first).toMatch(/^bh1:local:[A-Za-z0-9+/]+=*$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('hunter2');
  });
});

describe('decryption on a local runner', () => {
  it('opens a value sealed with the state folder key, multi-byte text included', () => {
    const { stateDir, key } = stateWithKey();
    const onRunner = localOnRunner(localKeyFile(stateDir), process.execPath);
    const plaintext = 'pa$$ wörd \'quoted\' "twice"';

    const run = decryptOnRunner(onRunner, encryptLocal(plaintext, key));

    expect(run).toEqual({ stdout: plaintext, status: 0 });
  });

  it('fails with status 1 for a value sealed with another key, or tampered with', () => {
    const { stateDir } = stateWithKey();
    const onRunner = localOnRunner(localKeyFile(stateDir), process.execPath);
    const foreign = encryptLocal('hunter2', randomBytes(32));
    const sealed = parseSecureValue(foreign).blob;
    sealed.writeUInt8(sealed.readUInt8(0) ^ 1, 0);

    expect(decryptOnRunner(onRunner, foreign)).toEqual({ stdout: '', status: 1 });
    expect(decryptOnRunner(onRunner, formatSecureValue('local', sealed)).status).toBe(1);
  });

  it('fails with status 3 when the key file is gone', () => {
    const { stateDir, key } = stateWithKey();
    const onRunner = localOnRunner(localKeyFile(stateDir), process.execPath);
    const value = encryptLocal('hunter2', key);
    rmSync(localKeyFile(stateDir));

    expect(decryptOnRunner(onRunner, value)).toEqual({ stdout: '', status: 3 });
    writeFileSync(localKeyFile(stateDir), key.toString('hex'));
    expect(decryptOnRunner(onRunner, value).stdout).toBe('hunter2');
  });
});
