import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encrypt } from '../../bin/encrypt.ts';
import { parseSecureValue } from '../../shared/secrets/format.ts';
import { localKeyFile } from '../../shared/secrets/local-key.ts';
import { localOnRunner } from '../../shared/secrets/on-runner.ts';
import { runCommand } from '../api/capture.ts';
import { decryptOnRunner } from './support.ts';

describe('bakehouse encrypt', () => {
  const kms = mockClient(KMSClient);
  const cloudFormation = mockClient(CloudFormationClient);
  afterEach(() => {
    vi.unstubAllEnvs();
    kms.reset();
    cloudFormation.reset();
  });

  it('creates the state folder key on first use and prints a value it opens', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-encrypt-'));
    vi.stubEnv('BAKEHOUSE_STATE_DIR', stateDir);

    const { code, stdout } = await runCommand(encrypt, ['s3cret value']);

    const printed = stdout.trim();
    const onRunner = localOnRunner(localKeyFile(stateDir), process.execPath);
    expect(code).toBe(0);
    expect(printed).toMatch(/^bh1:local:/);
    expect(readFileSync(localKeyFile(stateDir), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(decryptOnRunner(onRunner, printed).stdout).toBe('s3cret value');
  });

  it("encrypts with the stack's KMS key under Bakehouse's encryption context", async () => {
    cloudFormation.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        summary('AWS::DynamoDB::Table', 'events'),
        summary('AWS::KMS::Key', '1234abcd-12ab-34cd-56ef-1234567890ab'),
      ],
    });
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('sealed by kms') });

    const { code, stdout } = await runCommand(encrypt, [
      's3cret',
      '--stack',
      'Bakehouse',
    ]);

    const request = kms.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(code).toBe(0);
    expect(
      cloudFormation.commandCalls(ListStackResourcesCommand)[0]?.args[0].input,
    ).toEqual({ StackName: 'Bakehouse' });
    expect(request?.KeyId).toBe('1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(Buffer.from(request?.Plaintext ?? []).toString()).toBe('s3cret');
    expect(request?.EncryptionContext).toEqual({ purpose: 'bakehouse-secure-variable' });
    expect(parseSecureValue(stdout.trim())).toEqual({
      scheme: 'kms',
      blob: Buffer.from('sealed by kms'),
    });
  });

  it('fails with exit code 1 when the stack has no single KMS key', async () => {
    vi.stubEnv('BAKEHOUSE_STACK', 'Other');
    cloudFormation.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });

    const { code, stderr } = await runCommand(encrypt, ['s3cret']);

    expect(code).toBe(1);
    expect(stderr).toContain('Stack Other has 0 KMS keys');
    expect(kms.commandCalls(EncryptCommand)).toHaveLength(0);
  });

  it('refuses two values with exit code 2', async () => {
    const { code, stderr } = await runCommand(encrypt, ['one', 'two']);

    expect(code).toBe(2);
    expect(stderr).toContain('Usage: bakehouse encrypt');
  });
});

function summary(ResourceType: string, PhysicalResourceId: string) {
  return {
    ResourceType,
    PhysicalResourceId,
    LogicalResourceId: ResourceType.replaceAll(':', ''),
    ResourceStatus: 'CREATE_COMPLETE' as const,
    LastUpdatedTimestamp: new Date(),
  };
}
