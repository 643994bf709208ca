import { type ChildProcess, spawn } from 'node:child_process';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { freePort, localCredentials } from '../../local/dynamodb-local.ts';
import {
  Ec2RunnerFleet,
  type Ec2RunnerFleetOptions,
} from '../../shared/aws/ec2-runner-fleet.ts';

/** A running moto_server (EC2, SSM and the rest), and how to stop it. */
export interface MotoServer {
  /** The HTTP endpoint, e.g. `http://127.0.0.1:41235`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Raised when moto_server cannot start, with what to do about it. */
export class MotoServerError extends Error {
  override readonly name = 'MotoServerError';
}

/**
 * Starts moto_server on a free port and waits until its EC2 answers. The
 * integration tests' global setup starts one for all test files.
 */
export async function startMotoServer(readyTimeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'moto_server',
    ['-H', '127.0.0.1', '-p', String(port)],
    {
      stdio: 'ignore',
    },
  );
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };

  try {
    await spawned;
    const ec2 = motoEc2(endpoint);
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      try {
        await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], MaxResults: 5 }));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    ec2.destroy();
  } catch (error) {
    await stop();
    throw new MotoServerError(
      `moto_server did not start on port ${port}: ${(error as Error).message}. ` +
        'Install it with `pip install "moto[server]"` and run the tests again.',
    );
  }

  return { endpoint, stop };
}

const clientOptions = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: localCredentials,
  maxAttempts: 1,
});

/** An EC2 client of a moto_server. */
export function motoEc2(endpoint: string): EC2Client {
  return new EC2Client(clientOptions(endpoint));
}

/** An SSM client of a moto_server. */
export function motoSsm(endpoint: string): SSMClient {
  return new SSMClient(clientOptions(endpoint));
}

/** An S3 client of a moto_server, with path-style URLs (moto has no bucket hosts). */
export function motoS3(endpoint: string): S3Client {
  return new S3Client({ ...clientOptions(endpoint), forcePathStyle: true });
}

/**
 * A VPC with one subnet and a security group, an AMI and the two instance
 * profiles (trusted runners, fork pull requests' runners), for runners.
 */
export interface MotoNetwork {
  readonly subnetId: string;
  readonly securityGroupId: string;
  readonly imageId: string;
  /** The root device of `imageId`, as DescribeImages says it. */
  readonly rootDevice: string;
  readonly instanceProfileArn: string;
  readonly forkInstanceProfileArn: string;
}

/**
 * Creates an IAM instance profile in moto through IAM's query API (the
 * project has no IAM client); moto routes by the signature's service.
 */
async function createInstanceProfile(endpoint: string, name: string): Promise<string> {
  const answer = await fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization:
        'AWS4-HMAC-SHA256 Credential=bakehouse/20260101/us-east-1/iam/aws4_request, ' +
        'SignedHeaders=host, Signature=0',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      Action: 'CreateInstanceProfile',
      InstanceProfileName: name,
      Version: '2010-05-08',
    }),
  });
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(await answer.text())?.[1];
  if (!arn) throw new MotoServerError(`moto created no instance profile ${name}`);

  return arn;
}

/** Creates what a runner fleet needs in moto, and finds an AMI to start from. */
export async function motoNetwork(
  ec2: EC2Client,
  endpoint: string,
): Promise<MotoNetwork> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const VpcId = vpc.Vpc?.VpcId ?? '';
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId, CidrBlock: '10.0.1.0/24' }),
  );
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId,
      GroupName: `runners-${VpcId}`,
      Description: 'runners',
    }),
  );
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));

  return {
    subnetId: subnet.Subnet?.SubnetId ?? '',
    securityGroupId: group.GroupId ?? '',
    imageId: images.Images?.[0]?.ImageId ?? '',
    rootDevice: images.Images?.[0]?.RootDeviceName ?? '',
    instanceProfileArn: await createInstanceProfile(endpoint, `runners-${VpcId}`),
    forkInstanceProfileArn: await createInstanceProfile(
      endpoint,
      `fork-runners-${VpcId}`,
    ),
  };
}

/**
 * An EC2 runner fleet on a moto network, with the sizes and types the
 * construct defaults to; `options` replaces any of them.
 */
export function motoRunnerFleet(
  clients: { readonly ec2: EC2Client; readonly ssm: SSMClient },
  network: MotoNetwork,
  options: Partial<Ec2RunnerFleetOptions> = {},
): Ec2RunnerFleet {
  return new Ec2RunnerFleet({
    ...clients,
    subnetIds: [network.subnetId],
    securityGroupId: network.securityGroupId,
    instanceProfileArn: network.instanceProfileArn,
    forkInstanceProfileArn: network.forkInstanceProfileArn,
    kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
    instanceTypes: { linux: 'm7i.large', windows: 'm7i.xlarge' },
    rootVolumeGiB: { linux: 30, windows: 60 },
    logGroupName: '/bakehouse/phases',
    installation: 'Bakehouse',
    ...options,
  });
}
