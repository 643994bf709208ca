import type { EC2Client } from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ListCommandsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localCredentials } from '../../local/dynamodb-local.ts';
import { phaseScriptGenerator } from '../../shared/pipeline/phase-scripts.ts';
import type { ResolvedImage } from '../../shared/ports/runner-fleet.ts';
import { encryptWithKms } from '../../shared/secrets/kms.ts';
import { kmsDecryption } from '../../shared/secrets/runner-decryption.ts';
import { command, linuxJob, phaseContext } from '../runners/fixtures.ts';
import {
  type MotoNetwork,
  motoEc2,
  motoNetwork,
  motoRunnerFleet,
  motoSsm,
} from '../support/moto.ts';

const plaintext = 'ghp_secure-value-sent-to-an-EC2-runner';

describe('a secure value sent to an EC2 runner through SSM, on moto', () => {
  let ec2: EC2Client;
  let ssm: SSMClient;
  let kms: KMSClient;
  let network: MotoNetwork;

  beforeAll(async () => {
    const endpoint = inject('motoEndpoint');
    ec2 = motoEc2(endpoint);
    ssm = motoSsm(endpoint);
    kms = new KMSClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
    network = await motoNetwork(ec2, endpoint);
  });
  afterAll(() => {
    ec2.destroy();
    ssm.destroy();
    kms.destroy();
  });

  it('travels as KMS ciphertext: no SendCommand parameter holds the value', async () => {
    const key = await kms.send(new CreateKeyCommand({ Description: 'bakehouse test' }));
    const ciphertext = await encryptWithKms(kms, key.KeyMetadata?.KeyId ?? '', plaintext);
    const fleet = motoRunnerFleet({ ec2, ssm }, network, {
      kmsKeyArn: key.KeyMetadata?.Arn ?? '',
    });
    const generate = phaseScriptGenerator({
      repositoryUrl: (repository) => `https://github.com/${repository}.git`,
      repositoryProvider: 'gitHub',
      decryption: kmsDecryption('us-east-1'),
    });
    const job = linuxJob({
      environment: [{ name: 'API_TOKEN', value: ciphertext, secure: true }],
      phases: [{ name: 'build_script', commands: [command('echo "token: $API_TOKEN"')] }],
    });
    const buildId = '01JSECURE0000000000000000A';
    const image: ResolvedImage = {
      name: 'Ubuntu2204',
      platform: 'linux',
      ref: network.imageId,
      base: true,
      rootDevice: network.rootDevice,
    };
    const runnerId = await fleet.launch({
      buildId,
      jobId: '1',
      image,
      expiresAt: '2030-01-01T00:00:00.000Z',
    });
    const { shell, script } = await generate({
      buildId,
      buildNumber: 1,
      version: '1.0.1',
      repository: 'acme/Widget',
      trigger: phaseContext().build.trigger,
      job,
      phase: 'build_script',
      image,
      artifactUpload: phaseContext().artifactUpload,
    });

    await fleet.startPhase({
      buildId,
      jobId: '1',
      runnerId,
      phase: 'build_script',
      shell,
      script,
      timeoutSeconds: 900,
      callbackToken: 'token',
    });

    const listed = await ssm.send(new ListCommandsCommand({ InstanceId: runnerId }));
    const recorded = JSON.stringify(listed.Commands);
    expect(listed.Commands).toHaveLength(1);
    expect(recorded).toContain(ciphertext);
    expect(recorded).not.toContain(plaintext);
    expect(recorded).not.toContain(Buffer.from(plaintext).toString('base64'));
    await fleet.terminate(runnerId);
  });
});
