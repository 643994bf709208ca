import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  SecretsManagerSecretSource,
  SecretValueMissingError,
} from '../../shared/aws/secrets-manager-secret-source.ts';
import { StepFunctionsOrchestrator } from '../../shared/aws/step-functions-orchestrator.ts';

const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:bakehouse-build';

describe('SecretsManagerSecretSource', () => {
  it('reads the current and the previous value of a rotated secret', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand, { SecretId: 'hook', VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: 'new' })
      .on(GetSecretValueCommand, { SecretId: 'hook', VersionStage: 'AWSPREVIOUS' })
      .resolves({ SecretString: 'old' });

    const versions = await new SecretsManagerSecretSource(
      new SecretsManagerClient({}),
      'hook',
    ).load();

    expect(versions).toEqual({ current: 'new', previous: 'old' });
    secrets.restore();
  });

  it('has no previous value before the first rotation', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: 'only' })
      .on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' })
      .rejects(
        new ResourceNotFoundException({ message: 'no such stage', $metadata: {} }),
      );

    const versions = await new SecretsManagerSecretSource(
      new SecretsManagerClient({}),
      'hook',
    ).load();

    expect(versions).toEqual({ current: 'only' });
    secrets.restore();
  });

  it('names the secret that holds no string', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({});

    const loading = new SecretsManagerSecretSource(
      new SecretsManagerClient({}),
      'hook',
    ).load();

    await expect(loading).rejects.toThrow(SecretValueMissingError);
    await expect(loading).rejects.toThrow(/Secret hook/);
    secrets.restore();
  });
});

describe('StepFunctionsOrchestrator', () => {
  it('starts the execution named after the build id with the input as JSON', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });

    await new StepFunctionsOrchestrator(new SFNClient({}), arn).startBuild('01ABC', {
      a: 1,
    });

    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: arn,
      name: '01ABC',
      input: '{"a":1}',
    });
    sfn.restore();
  });

  it('counts an execution that already exists as started', async () => {
    const sfn = mockClient(SFNClient);
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const start = new StepFunctionsOrchestrator(new SFNClient({}), arn).startBuild(
      '01ABC',
      {},
    );

    await expect(start).resolves.toBeUndefined();
    sfn.restore();
  });
});
