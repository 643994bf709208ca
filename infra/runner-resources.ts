import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { kmsEncryptionContext } from '../shared/secrets/on-runner.ts';

/** What the runners need from the deployment. */
export interface RunnerResourcesProps {
  readonly vpc: ec2.IVpc;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The runners' security group (no inbound rule), their two instance profiles
 * and the log group SSM writes the phases' output to. Runners of trusted
 * builds get SSM core, their log group and decryption of secure values with
 * the stack's key, nothing else; runners of pull requests from forks get the
 * same without decryption.
 */
export class RunnerResources extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly role: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;
  /** The role of fork pull requests' runners: no kms:Decrypt. */
  readonly forkRole: iam.Role;
  readonly forkInstanceProfile: iam.InstanceProfile;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RunnerResourcesProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description:
        'Bakehouse runners: no inbound rule; outbound for git, packages and SSM',
      allowAllOutbound: true,
    });
    this.logGroup = new logs.LogGroup(this, 'PhaseOutput', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = this.#role(
      'Role',
      'Bakehouse runner: SSM agent, its phase output, secure values',
    );
    // Secure values only: the key also encrypts volumes, tables and secrets,
    // whose ciphertexts carry other encryption contexts (or none).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: {
          StringEquals: Object.fromEntries(
            Object.entries(kmsEncryptionContext).map(([key, value]) => [
              `kms:EncryptionContext:${key}`,
              value,
            ]),
          ),
        },
      }),
    );
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', {
      role: this.role,
    });

    this.forkRole = this.#role(
      'ForkRole',
      'Bakehouse runner of a pull request from a fork: SSM agent, its phase output',
    );
    this.forkInstanceProfile = new iam.InstanceProfile(this, 'ForkInstanceProfile', {
      role: this.forkRole,
    });
  }

  /** A runner role with the SSM agent's policy and writes to the phase output. */
  #role(id: string, description: string): iam.Role {
    const role = new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal(`ec2.${Stack.of(this).urlSuffix}`),
      description,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
      ],
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        // The SSM agent describes the group and its streams before writing output.
        actions: [
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogStreams',
          'logs:DescribeLogGroups',
        ],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    return role;
  }
}
