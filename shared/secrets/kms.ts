import {
  type CloudFormationClient,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { formatSecureValue } from './format.ts';
import { kmsEncryptionContext } from './on-runner.ts';

/** Error raised when a stack's key for secure values cannot be found. */
export class StackKeyError extends Error {
  override name = 'StackKeyError';
}

/**
 * Encrypts a value with a KMS key, under Bakehouse's encryption context, as
 * the text to paste under `secure:` (`bh1:kms:<base64>`).
 */
export async function encryptWithKms(
  kms: KMSClient,
  keyId: string,
  plaintext: string,
): Promise<string> {
  const answer = await kms.send(
    new EncryptCommand({
      KeyId: keyId,
      Plaintext: Buffer.from(plaintext, 'utf8'),
      EncryptionContext: { ...kmsEncryptionContext },
    }),
  );
  if (!answer.CiphertextBlob) {
    throw new StackKeyError(`KMS returned no ciphertext for key ${keyId}.`);
  }

  return formatSecureValue('kms', answer.CiphertextBlob);
}

/**
 * The id of a deployed Bakehouse stack's KMS key, the one its runners may
 * decrypt with: the stack's only AWS::KMS::Key resource.
 */
export async function stackKeyId(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<string> {
  const keys: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudFormation.send(
      new ListStackResourcesCommand({ StackName: stackName, NextToken }),
    );
    for (const resource of page.StackResourceSummaries ?? []) {
      if (resource.ResourceType === 'AWS::KMS::Key' && resource.PhysicalResourceId) {
        keys.push(resource.PhysicalResourceId);
      }
    }
    NextToken = page.NextToken;
  } while (NextToken);
  if (keys.length !== 1) {
    throw new StackKeyError(
      `Stack ${stackName} has ${keys.length} KMS keys; a Bakehouse stack has exactly one.`,
    );
  }

  return keys[0] as string;
}
