import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { InvalidInstanceId, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { Ec2RunnerFleet } from '../../shared/aws/ec2-runner-fleet.ts';
import { RunnerNotReadyError } from '../../shared/pipeline/errors.ts';
import type { PhaseCommand } from '../../shared/ports/runner-fleet.ts';

const ssm = mockClient(SSMClient);
const ec2 = mockClient(EC2Client);
const fleet = new Ec2RunnerFleet({
  ec2: new EC2Client({ region: 'us-east-1' }),
  ssm: new SSMClient({ region: 'us-east-1' }),
  subnetIds: ['subnet-1'],
  securityGroupId: 'sg-1',
  instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/runners',
  forkInstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/fork-runners',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
  instanceTypes: { linux: 'm7i.large', windows: 'm7i.xlarge' },
  rootVolumeGiB: { linux: 30, windows: 60 },
  logGroupName: '/bakehouse/phases',
  installation: 'Bakehouse',
});
const command = (shell: PhaseCommand['shell']): PhaseCommand => ({
  buildId: 'b1',
  jobId: '2',
  runnerId: 'i-0123',
  phase: 'build_script',
  shell,
  script: 'Write-Host hi',
  timeoutSeconds: 600,
  callbackToken: 'token',
});

describe('the EC2 runner fleet sending a phase (SSM mocked)', () => {
  afterEach(() => {
    ssm.reset();
    ec2.reset();
  });

  /** EC2's answer for the runner: an instance in `state`. */
  const runnerIn = (state: 'pending' | 'running' | 'terminated' | 'stopped') =>
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0123', State: { Name: state } }] }],
    });

  it('writes the whole output to the CloudWatch log group, and answers the command id', async () => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-42' } });

    const commandId = await fleet.startPhase(command('powershell'));

    expect(commandId).toBe('c-42');
    const sent = ssm.commandCalls(SendCommandCommand)[0]?.args[0].input;
    expect(sent?.DocumentName).toBe('AWS-RunPowerShellScript');
    expect(sent?.CloudWatchOutputConfig).toEqual({
      CloudWatchOutputEnabled: true,
      CloudWatchLogGroupName: '/bakehouse/phases',
    });
  });

  it('reports a running runner SSM does not know yet as RunnerNotReady, for the Retry', async () => {
    ssm
      .on(SendCommandCommand)
      .rejects(new InvalidInstanceId({ message: 'not registered', $metadata: {} }));
    runnerIn('pending');

    const sending = fleet.startPhase(command('bash'));

    await expect(sending).rejects.toBeInstanceOf(RunnerNotReadyError);
    await expect(sending).rejects.toMatchObject({ name: 'RunnerNotReady' });
  });

  it.each(['terminated', 'stopped'] as const)(
    'reports a runner SSM refuses because it is %s as RunnerLost at once',
    async (state) => {
      ssm
        .on(SendCommandCommand)
        .rejects(new InvalidInstanceId({ message: 'not connected', $metadata: {} }));
      runnerIn(state);

      const sending = fleet.startPhase(command('bash'));

      await expect(sending).rejects.toMatchObject({
        name: 'RunnerLost',
        message: `Runner i-0123 of job 2 in build b1 is ${state}: it cannot run phase build_script`,
      });
    },
  );
});
