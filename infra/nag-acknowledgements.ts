import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Bakehouse } from './bakehouse.ts';

/** One accepted finding: the rule, where it is, and why it is accepted. */
export interface NagAcknowledgement {
  readonly scope: IConstruct;
  readonly id: string;
  readonly reason: string;
}

const instances = 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>';

/**
 * The cdk-nag findings Bakehouse accepts, each on the resource it concerns,
 * with its reason; README.md lists them under "Security review (cdk-nag)".
 * No acknowledgement covers a wildcard action Bakehouse wrote itself.
 */
export function nagAcknowledgements(bakehouse: Bakehouse): NagAcknowledgement[] {
  const { functions, runners, stateMachine, eventStore } = bakehouse;
  const fn = (entry: string) => {
    const found = functions.functions.find((f) => f.node.id === entry);
    if (!found) throw new Error(`Bakehouse has no ${entry} Lambda`);
    return found.role;
  };
  const logicalId = (c: IConstruct) =>
    Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
  const iam5 = (resource: string) => `AwsSolutions-IAM5[Resource::${resource}]`;

  return [
    ...functions.functions
      .filter((f) => Object.values(functions.tasks).includes(f.function))
      .map((f) => ({
        scope: stateMachine.role,
        id: iam5(`<${logicalId(f.function)}.Arn>:*`),
        reason: "CDK's Lambda task grants invoke on the function's versions too",
      })),
    {
      scope: stateMachine.role,
      id: iam5('*'),
      reason:
        'X-Ray tracing and log delivery of the state machine accept no resource ARN',
    },
    ...[
      'reaper',
      'run-phase',
      'terminate-runner',
      'terminate-build-runners',
      'record-build-error',
    ].map((entry) => ({
      scope: fn(entry),
      id: iam5('*'),
      reason:
        'ec2:DescribeInstances accepts no resource ARN; a tag filter narrows the answer',
    })),
    {
      scope: fn('resolve-image'),
      id: iam5('*'),
      reason:
        "ec2:DescribeImages accepts no resource ARN; it reads the resolved image's root device",
    },
    ...[
      'launch-runner',
      'run-phase',
      'terminate-runner',
      'terminate-build-runners',
      'record-build-error',
      'reaper',
      'create-image',
    ].map((entry) => ({
      scope: fn(entry),
      id: iam5(`${instances}:instance/*`),
      reason:
        'Runner instance ids are unknown before launch; a condition on the ' +
        'bakehouse:installation tag limits the grant to this installation',
    })),
    {
      scope: fn('launch-runner'),
      id: iam5(`${instances}:volume/*`),
      reason: 'The root volume is created by RunInstances, tagged like its runner',
    },
    {
      scope: fn('launch-runner'),
      id: iam5('arn:<AWS::Partition>:ec2:<AWS::Region>::image/*'),
      reason:
        'Runners start from base images (public AMIs) and from baked AMIs of any name',
    },
    {
      scope: fn('launch-runner'),
      id: iam5(`${instances}:network-interface/*`),
      reason:
        "RunInstances creates the runner's network interface, whose id is unknown before",
    },
    ...imagingAcknowledgements(fn),
    ...[runners.role, runners.forkRole].map((role) => ({
      scope: role,
      id:
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/' +
        'AmazonSSMManagedInstanceCore]',
      reason: "AWS's own policy for the SSM agent, which runs every phase of a runner",
    })),
    ...[bakehouse.webhookSecret, bakehouse.githubToken].map((secret) => ({
      scope: secret,
      id: 'AwsSolutions-SMG4',
      reason: 'The value is set in GitHub and rotated there; an operator updates it',
    })),
    ...projectorAcknowledgements(
      eventStore.projector.role,
      logicalId(eventStore.eventsTable),
    ),
    {
      scope: eventStore.deadLetterQueue,
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the projector's dead-letter queue",
    },
    ...operatorApiAcknowledgements(bakehouse),
    ...artifactAcknowledgements(bakehouse, fn('run-phase'), logicalId),
  ];
}

/** The artifact bucket's findings: its access log, and keys named at run time. */
function artifactAcknowledgements(
  bakehouse: Bakehouse,
  runPhase: IConstruct,
  logicalId: (c: IConstruct) => string,
): NagAcknowledgement[] {
  const { bucket } = bakehouse.artifacts;
  const objects = `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/artifacts/*]`;

  return [
    {
      scope: bucket,
      id: 'AwsSolutions-S1',
      reason:
        'Every download is handed out by the operator API, whose access log names the ' +
        'caller; every upload is signed by the run-phase Lambda for one job',
    },
    {
      scope: runPhase,
      id: objects,
      reason:
        'Artifact keys name a build and a job known only at run time; the grant is ' +
        's3:PutObject under artifacts/, and each presigned POST narrows it to one job',
    },
    {
      scope: bakehouse.operatorApi.handler.role,
      id: objects,
      reason:
        'Artifact keys name a build and a job known only at run time; the grant is ' +
        's3:GetObject under artifacts/, handed out as five-minute presigned GETs',
    },
  ];
}

/** The operator API's findings: the public badge, and resources named only at run time. */
function operatorApiAcknowledgements(bakehouse: Bakehouse): NagAcknowledgement[] {
  const { api, handler, stateMachineName } = bakehouse.operatorApi;
  const badge = api.node
    .findAll()
    .find((c) => c.node.id === 'GET--badge--{owner}--{repo}');
  if (!badge) throw new Error('The operator API has no badge route');
  const role = handler.role;
  const regional = 'arn:<AWS::Partition>:ec2:<AWS::Region>:';
  const executions = 'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>';

  return [
    {
      scope: badge,
      id: 'AwsSolutions-APIG4',
      reason:
        'The build badge is public, as CI badges are; it answers passing, failing ' +
        'or unknown and nothing else',
    },
    {
      scope: role,
      id: `AwsSolutions-IAM5[Resource::${executions}:execution:${stateMachineName}:*]`,
      reason:
        'Cancel and the execution history name an execution by build id, known only ' +
        'at run time; the grant stays within the build state machine',
    },
    {
      scope: role,
      id: `AwsSolutions-IAM5[Resource::${instances}:instance/*]`,
      reason:
        "Cancel terminates the build's runners, whose ids are known only at run time; " +
        'a condition on the bakehouse:installation tag limits it to this installation',
    },
    ...['image', 'snapshot'].map((kind) => ({
      scope: role,
      id: `AwsSolutions-IAM5[Resource::${regional}:${kind}/*]`,
      reason:
        'Deleting an image version deregisters its AMI and deletes its snapshots, ' +
        'whose ids come from the registry at run time; a condition on the ' +
        "bakehouse:installation tag limits it to this installation's images",
    })),
    {
      scope: role,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeInstances, DescribeImages and DescribeSnapshots accept no ' +
        'resource ARN; they tell which versions are in use and what a delete removes',
    },
  ];
}

/**
 * The findings of the bake Lambdas and of the build sweep that deletes what a
 * stopped bake half made: AMIs and snapshots get their ids only when created.
 */
function imagingAcknowledgements(
  fn: (entry: string) => IConstruct,
): NagAcknowledgement[] {
  const entries = [
    'create-image',
    'await-image',
    'register-image',
    'apply-retention',
    'record-bake-failed',
    'terminate-build-runners',
  ];
  const regional = 'arn:<AWS::Partition>:ec2:<AWS::Region>:';

  return entries.flatMap((entry) => [
    {
      scope: fn(entry),
      id: `AwsSolutions-IAM5[Resource::${regional}:image/*]`,
      reason:
        'A baked AMI gets its id from CreateImage, which tags it; later tags and ' +
        'deletes need the bakehouse:installation tag of this installation',
    },
    {
      scope: fn(entry),
      id: `AwsSolutions-IAM5[Resource::${regional}:snapshot/*]`,
      reason:
        "An AMI's snapshots get their ids from CreateImage and its tags, like the " +
        'AMI itself',
    },
    {
      scope: fn(entry),
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeImages, DescribeSnapshots, DescribeInstances and the account-wide ' +
        'image block public access accept no resource ARN',
    },
  ]);
}

/** The projector's findings, all from CDK's own grants in the event store construct. */
function projectorAcknowledgements(
  role: IConstruct | undefined,
  eventsTable: string,
): NagAcknowledgement[] {
  if (!role) return [];
  const grant = 'CDK writes it in the table grants of the event store construct';

  return [
    {
      scope: role,
      id: `AwsSolutions-IAM5[Resource::<${eventsTable}.Arn>/index/*]`,
      reason: `The projector may read the events table's indexes; ${grant}`,
    },
    {
      scope: role,
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason: `Use of the tables' customer-managed key; ${grant}`,
    },
    {
      scope: role,
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: `Use of the tables' customer-managed key; ${grant}`,
    },
    {
      scope: role,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams of the stream event source accepts no resource ARN',
    },
  ];
}

/** Applies every acknowledgement of {@link nagAcknowledgements}. */
export function acknowledgeNagFindings(bakehouse: Bakehouse): void {
  for (const { scope, id, reason } of nagAcknowledgements(bakehouse)) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}
