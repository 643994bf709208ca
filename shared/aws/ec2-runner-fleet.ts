import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { imageKey } from '../images/names.ts';
import { RunnerLostError, RunnerNotReadyError } from '../pipeline/errors.ts';
import type {
  FleetRunner,
  PhaseCommand,
  RunnerFilter,
  RunnerFleet,
  RunnerSpec,
} from '../ports/runner-fleet.ts';
import { describeRunners, lostInstanceStates } from './ec2-runner-instances.ts';
import { runnerTags } from './ec2-runner-tags.ts';

export { runnerTags } from './ec2-runner-tags.ts';

/** Where and how runners start. */
export interface Ec2RunnerFleetOptions {
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
  /** Private subnets; a job's runner goes to one chosen by its build and job. */
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly instanceProfileArn: string;
  /** The profile of runners of pull requests from forks: it cannot decrypt. */
  readonly forkInstanceProfileArn: string;
  /** The key of the runners' encrypted root volumes. */
  readonly kmsKeyArn: string;
  readonly instanceTypes: { readonly linux: string; readonly windows: string };
  /** Root volume sizes in GiB, at least the image's own size. */
  readonly rootVolumeGiB: { readonly linux: number; readonly windows: number };
  /** The log group SSM writes each phase's output to. */
  readonly logGroupName: string;
  /** The value of the `bakehouse:installation` tag, which IAM conditions check. */
  readonly installation: string;
}

/** Raised when a runner cannot be launched, with the build and job it was for. */
export class RunnerLaunchError extends Error {
  override readonly name = 'RunnerLaunchError';
}

/** The SSM document of a shell. */
export function documentOf(shell: PhaseCommand['shell']): string {
  return shell === 'bash' ? 'AWS-RunShellScript' : 'AWS-RunPowerShellScript';
}

const lostStates: ReadonlySet<string> = new Set(lostInstanceStates);

/**
 * The runner fleet on EC2 and SSM Run Command: one instance per job
 * (IMDSv2 only, encrypted gp3 root, no public IP, shutdown terminates), one
 * command per phase with its output in CloudWatch Logs.
 */
export class Ec2RunnerFleet implements RunnerFleet {
  constructor(private readonly options: Ec2RunnerFleetOptions) {}

  async launch(spec: RunnerSpec): Promise<string> {
    const answer = await this.options.ec2.send(
      new RunInstancesCommand(this.launchInput(spec)),
    );
    const instanceId = answer.Instances?.[0]?.InstanceId;
    if (!instanceId) {
      throw new RunnerLaunchError(
        `RunInstances returned no instance for build ${spec.buildId}, job ${spec.jobId}`,
      );
    }

    return instanceId;
  }

  /** The RunInstances request of a runner; its client token makes a retry idempotent. */
  launchInput(spec: RunnerSpec): RunInstancesCommandInput {
    const o = this.options;
    const subnets = o.subnetIds;
    const subnet = subnets[hash(`${spec.buildId}/${spec.jobId}`) % subnets.length];
    const platform = spec.image.platform === 'windows' ? 'windows' : 'linux';
    const rootDevice = spec.image.rootDevice;
    if (!rootDevice) {
      throw new RunnerLaunchError(
        `Image ${spec.image.ref} of build ${spec.buildId}, job ${spec.jobId} has no ` +
          'root device name; ResolveImage records it from DescribeImages',
      );
    }
    const profile = spec.fromFork ? o.forkInstanceProfileArn : o.instanceProfileArn;
    const tags = [
      { Key: 'Name', Value: `bakehouse ${spec.buildId} job ${spec.jobId}` },
      { Key: runnerTags.installation, Value: o.installation },
      { Key: runnerTags.build, Value: spec.buildId },
      { Key: runnerTags.job, Value: spec.jobId },
      { Key: runnerTags.expiresAt, Value: spec.expiresAt },
      { Key: runnerTags.image, Value: imageKey(spec.image.name) },
      ...(spec.image.version === undefined
        ? []
        : [{ Key: runnerTags.imageVersion, Value: String(spec.image.version) }]),
    ];

    return {
      ImageId: spec.image.ref,
      InstanceType: o.instanceTypes[platform] as RunInstancesCommandInput['InstanceType'],
      MinCount: 1,
      MaxCount: 1,
      ClientToken: `${spec.buildId}-${spec.jobId}`.slice(0, 64),
      IamInstanceProfile: { Arn: profile },
      NetworkInterfaces: [
        {
          DeviceIndex: 0,
          SubnetId: subnet,
          Groups: [o.securityGroupId],
          AssociatePublicIpAddress: false,
          DeleteOnTermination: true,
        },
      ],
      MetadataOptions: {
        HttpTokens: 'required',
        HttpEndpoint: 'enabled',
        HttpPutResponseHopLimit: 2,
      },
      InstanceInitiatedShutdownBehavior: 'terminate',
      BlockDeviceMappings: [
        {
          DeviceName: rootDevice,
          Ebs: {
            VolumeType: 'gp3',
            VolumeSize: o.rootVolumeGiB[platform],
            Encrypted: true,
            KmsKeyId: o.kmsKeyArn,
            DeleteOnTermination: true,
          },
        },
      ],
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags },
        { ResourceType: 'volume', Tags: tags },
      ],
    };
  }

  async startPhase(command: PhaseCommand): Promise<string> {
    try {
      const sent = await this.options.ssm.send(
        new SendCommandCommand({
          InstanceIds: [command.runnerId],
          DocumentName: documentOf(command.shell),
          Comment:
            `bakehouse ${command.buildId} job ${command.jobId} ${command.phase}`.slice(
              0,
              100,
            ),
          Parameters: {
            commands: [command.script],
            executionTimeout: [String(command.timeoutSeconds)],
          },
          CloudWatchOutputConfig: {
            CloudWatchOutputEnabled: true,
            CloudWatchLogGroupName: this.options.logGroupName,
          },
        }),
      );
      const commandId = sent.Command?.CommandId;
      if (!commandId) {
        throw new Error(
          `SendCommand returned no command id for phase ${command.phase} of job ` +
            `${command.jobId} in build ${command.buildId}`,
        );
      }

      return commandId;
    } catch (error) {
      if ((error as Error).name !== 'InvalidInstanceId') throw error;
      // SSM says the same of a runner still registering and of one gone: EC2 tells.
      const state = await this.#state(command.runnerId);
      if (state === undefined || lostStates.has(state)) {
        throw new RunnerLostError(command, state ?? 'unknown to EC2');
      }
      throw new RunnerNotReadyError(command.runnerId);
    }
  }

  async renewExpiry(runnerId: string, expiresAt: string): Promise<void> {
    await this.options.ec2.send(
      new CreateTagsCommand({
        Resources: [runnerId],
        Tags: [{ Key: runnerTags.expiresAt, Value: expiresAt }],
      }),
    );
  }

  async findRunners(filter: RunnerFilter): Promise<FleetRunner[]> {
    const found = await describeRunners(this.options.ec2, this.options.installation, [
      { Name: `tag:${runnerTags.build}`, Values: [filter.buildId] },
      ...(filter.jobId === undefined
        ? []
        : [{ Name: `tag:${runnerTags.job}`, Values: [filter.jobId] }]),
    ]);

    return found.map(({ runnerId, buildId, jobId }) => ({ runnerId, buildId, jobId }));
  }

  async terminate(runnerId: string): Promise<void> {
    try {
      await this.options.ec2.send(
        new TerminateInstancesCommand({ InstanceIds: [runnerId] }),
      );
    } catch (error) {
      if ((error as Error).name === 'InvalidInstanceID.NotFound') return;
      if (!(await this.#gone(runnerId))) throw error;
    }
  }

  /** True when the runner is already ending or ended, whatever the refusal said. */
  async #gone(runnerId: string): Promise<boolean> {
    const state = await this.#state(runnerId);

    return state === 'shutting-down' || state === 'terminated';
  }

  /** The runner's instance state; undefined when EC2 does not know the id. */
  async #state(runnerId: string): Promise<string | undefined> {
    try {
      const found = await this.options.ec2.send(
        new DescribeInstancesCommand({ InstanceIds: [runnerId] }),
      );

      return found.Reservations?.[0]?.Instances?.[0]?.State?.Name;
    } catch (error) {
      if ((error as Error).name === 'InvalidInstanceID.NotFound') return undefined;
      throw error;
    }
  }
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + (char.codePointAt(0) ?? 0)) >>> 0;

  return h;
}
