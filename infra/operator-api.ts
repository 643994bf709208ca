import { ArnFormat, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { operatorApiOutputName } from '../shared/api/stack-output.ts';
import { pipelineEnvNames as env } from '../shared/aws/pipeline-env.ts';
import type { ArtifactBucket } from './artifact-bucket.ts';
import type { EventStore } from './event-store.ts';
import { BakehouseFunction } from './lambda-function.ts';
import type { RunnerResources } from './runner-resources.ts';

/** What the operator API reads and acts on. */
export interface OperatorApiProps {
  readonly eventStore: EventStore;
  readonly pipelineTable: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly runners: RunnerResources;
  readonly stateMachine: sfn.IStateMachine;
  /** The state machine's name, known before it exists: its executions' ARNs use it. */
  readonly stateMachineName: string;
  readonly logRetention: logs.RetentionDays;
  /** The bucket whose artifacts the API hands out by presigned GET. */
  readonly artifacts: ArtifactBucket;
}

/**
 * The operators' HTTP API: the read API, the commands on builds and images,
 * and the build badge, served by one Lambda. Every route needs a request
 * signed with AWS credentials allowed `execute-api:Invoke` (IAM
 * authorization), except the badge, which is public and tells only a status.
 */
export class OperatorApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly handler: BakehouseFunction;
  /** The API's base URL, also a CloudFormation output. */
  readonly url: string;
  /** The name of the state machine whose executions the API stops and reads. */
  readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: OperatorApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.stateMachineName = props.stateMachineName;
    this.handler = new BakehouseFunction(this, 'Handler', {
      entry: 'operator-api',
      logRetention: props.logRetention,
      environment: {
        [env.eventsTable]: props.eventStore.eventsTable.tableName,
        [env.viewsTable]: props.eventStore.viewsTable.tableName,
        [env.pipelineTable]: props.pipelineTable.tableName,
        [env.installation]: stack.stackName,
        [env.runnerLogGroup]: props.runners.logGroup.logGroupName,
        [env.artifactsBucket]: props.artifacts.bucket.bucketName,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      },
    });
    this.#allow(props);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Bakehouse: builds, images and commands for operators; the badge',
    });
    this.#configureStage(accessLogs);
    const integration = new HttpLambdaIntegration('Handler', this.handler.function);
    this.api.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST, apigw.HttpMethod.DELETE],
      integration,
      authorizer: new HttpIamAuthorizer(),
    });
    this.api.addRoutes({
      path: '/badge/{owner}/{repo}',
      methods: [apigw.HttpMethod.GET],
      integration,
    });
    this.url = this.api.apiEndpoint;
    new CfnOutput(this, operatorApiOutputName, {
      description: 'The Bakehouse operator API; `bakehouse --stack NAME` reads it here',
      value: this.url,
    });
  }

  /** Access logs and throttling on the default stage: the badge is public. */
  #configureStage(accessLogs: logs.ILogGroup): void {
    const stage = this.api.defaultStage?.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        caller: '$context.identity.userArn',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 20 };
  }

  /** The least the API needs: no action written here has a wildcard. */
  #allow(props: OperatorApiProps): void {
    const role = this.handler.role;
    const stack = Stack.of(this);
    const { eventsTable, viewsTable } = props.eventStore;
    const items = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'];
    const writes = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:ConditionCheckItem',
    ];
    const statement = (actions: string[], resources: string[], conditions?: object) =>
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions,
          resources,
          ...(conditions && { conditions: conditions as Record<string, unknown> }),
        }),
      );
    statement(items, [viewsTable.tableArn]);
    statement(
      [...items, ...writes],
      [eventsTable.tableArn, props.pipelineTable.tableArn],
    );
    props.key.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');

    const stateMachineArn = props.stateMachine.stateMachineArn;
    statement(['states:StartExecution'], [stateMachineArn]);
    statement(
      ['states:StopExecution', 'states:GetExecutionHistory'],
      [
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${props.stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    );
    statement(['logs:GetLogEvents'], [props.runners.logGroup.logGroupArn]);
    props.artifacts.allowDownloads(role);

    const ec2 = (resource: string, account = true) =>
      stack.formatArn({ service: 'ec2', resource, ...(!account && { account: '' }) });
    const installation = {
      StringEquals: { 'aws:ResourceTag/bakehouse:installation': stack.stackName },
    };
    statement(['ec2:TerminateInstances'], [ec2('instance/*')], installation);
    statement(
      ['ec2:DeregisterImage', 'ec2:DeleteSnapshot'],
      [ec2('image/*', false), ec2('snapshot/*', false)],
      installation,
    );
    statement(
      ['ec2:DescribeInstances', 'ec2:DescribeImages', 'ec2:DescribeSnapshots'],
      ['*'],
    );
  }
}
