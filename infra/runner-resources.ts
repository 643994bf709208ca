import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** What the runners need from the deployment. */
export interface RunnerResourcesProps {
  readonly vpc: ec2.IVpc;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The runners' security group (no inbound rule), their instance profile
 * (SSM core, their own log group, decryption with the stack's key, nothing
 * else) and the log group SSM writes the phases' output to.
 */
export class RunnerResources extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly role: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;
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
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal(`ec2.${Stack.of(this).urlSuffix}`),
      description: 'Bakehouse runner: SSM agent, its phase output, secure values',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
      ],
    });
    this.role.addToPolicy(
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
    props.key.grantDecrypt(this.role);
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', {
      role: this.role,
    });
  }
}
