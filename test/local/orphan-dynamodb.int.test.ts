import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  startDynamoDbLocal,
  stopOrphanDynamoDbLocal,
} from '../../local/dynamodb-local.ts';

describe('the DynamoDB Local a killed backend left behind', () => {
  it('is stopped by its database folder, and others are left alone', async () => {
    const dbPath = await mkdtemp(join(tmpdir(), 'bakehouse-orphan-db-'));
    const left = await startDynamoDbLocal({ dbPath });
    const answers = () =>
      fetch(left.endpoint, { signal: AbortSignal.timeout(2_000) }).then(
        () => true,
        () => false,
      );

    try {
      expect(await answers()).toBe(true);
      expect(await stopOrphanDynamoDbLocal(`${dbPath}-other`)).toBe(0);
      expect(await answers()).toBe(true);

      expect(await stopOrphanDynamoDbLocal(dbPath)).toBe(1);

      expect(await answers()).toBe(false);
    } finally {
      await left.stop();
    }
  }, 60_000);
});
