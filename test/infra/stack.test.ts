import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { bakehouseStack } from './stack-fixture.ts';

type Resource = { Properties: Record<string, unknown> };

describe('the Bakehouse stack', () => {
  let template: Template;
  beforeAll(() => {
    template = bakehouseStack().template;
  });

  it('runs a Standard state machine with logging at level ALL and X-Ray on', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({
        Level: 'ALL',
        IncludeExecutionData: true,
      }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('names in its outputs the webhook URL and the two secrets an operator fills', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'WebhookUrl',
        'WebhookSecretName',
        'GitHubTokenSecretName',
      ]),
    );
    const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    const namesOf = (key: string) =>
      secrets.filter((id) => JSON.stringify(outputs[key]?.Value).includes(`"${id}"`));

    expect(namesOf('WebhookSecretName')).toEqual([
      expect.stringMatching(/WebhookSecret/),
    ]);
    expect(namesOf('GitHubTokenSecretName')).toEqual([
      expect.stringMatching(/GitHubToken/),
    ]);
  });

  it('runs every Lambda on Node.js 24, arm64', () => {
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Handler: 'index.handler' },
      }),
    ) as Resource[];

    expect(functions.length).toBeGreaterThanOrEqual(14);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('gives runners a security group with no inbound rule', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Bakehouse runners'),
      SecurityGroupIngress: Match.absent(),
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  it('gives runners SSM core, their log group and decryption with the key, nothing else', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('Bakehouse runner'),
      ManagedPolicyArns: [
        Match.objectLike({
          'Fn::Join': Match.arrayWith([
            Match.arrayWith([Match.stringLikeRegexp('AmazonSSMManagedInstanceCore')]),
          ]),
        }),
      ],
    });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('RunnersRole') },
    }) as Record<string, Resource>;
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown }[] }).Statement,
    );
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();

    expect(actions).toEqual([
      'kms:Decrypt',
      'logs:CreateLogStream',
      'logs:DescribeLogGroups',
      'logs:DescribeLogStreams',
      'logs:PutLogEvents',
    ]);
  });

  it('keeps a rotating KMS key for volumes, images, tables and secrets', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('brings phase results back from SSM command status changes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ssm'],
        'detail-type': ['EC2 Command Invocation Status-change Notification'],
        detail: Match.objectLike({
          status: ['Success', 'Failed', 'TimedOut', 'Cancelled'],
        }),
      },
    });
  });

  it('watches EC2 state changes and spot interruptions for lost runners', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
      }),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Spot Instance Interruption Warning'],
      },
    });
  });

  it('ends the build of an execution that failed or timed out, never of a cancelled one', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: Match.objectLike({ status: ['FAILED', 'TIMED_OUT'] }),
      },
    });
  });

  it('runs the reaper every five minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
    });
  });

  it('alarms on failed executions, projector dead letters and runners past expiry', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RunnersPastExpiry',
    });
  });

  it('keeps webhook deliveries in the events table, with no table of their own', () => {
    const webhook = template.findResources('AWS::Lambda::Function', {
      Properties: {
        Environment: {
          Variables: Match.objectLike({ WEBHOOK_SECRET_ID: Match.anyValue() }),
        },
      },
    });
    const variables = Object.values(webhook).map(
      (resource) => resource.Properties.Environment.Variables,
    );

    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    expect(variables).toHaveLength(1);
    expect(Object.keys(variables[0])).not.toContain('DELIVERIES_TABLE');
  });

  it('serves the webhook through a Function URL', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });

  it('lets only tagged runners of this installation be terminated', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ec2:TerminateInstances',
            Condition: {
              StringEquals: { 'aws:ResourceTag/bakehouse:installation': 'Bakehouse' },
            },
          }),
        ]),
      },
    });
  });
});
