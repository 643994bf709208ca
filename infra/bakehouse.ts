import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type CatalogEntry, defaultImageSettings } from '../shared/images/catalog.ts';
import { BakehouseAlarms } from './alarms.ts';
import { ArtifactBucket } from './artifact-bucket.ts';
import { BakehouseRules } from './event-rules.ts';
import { EventStore } from './event-store.ts';
import { OperatorApi } from './operator-api.ts';
import { pipelineDefinition } from './pipeline-definition.ts';
import { PipelineFunctionSet } from './pipeline-functions.ts';
import { RunnerResources } from './runner-resources.ts';

/** EC2 instance types of the runners, per platform. */
export interface RunnerInstanceTypes {
  /** Default `m7i.large` (2 vCPU, 8 GiB), for the amd64 Ubuntu images. */
  readonly linux?: string;
  /** Default `m7i.xlarge` (4 vCPU, 16 GiB): Windows needs the memory. */
  readonly windows?: string;
}

/** Root volume sizes of the runners in GiB, per platform; at least the image's size. */
export interface RunnerRootVolumes {
  /** Default 30 GiB. */
  readonly linux?: number;
  /** Default 60 GiB. */
  readonly windows?: number;
}

/** Options of {@link Bakehouse}; every one has a default. */
export interface BakehouseProps {
  /** The VPC of the runners. Default: a new VPC, two AZs, one NAT gateway, flow logs. */
  readonly vpc?: ec2.IVpc;
  /** Where runners start: they get no public IP. Default: the private subnets with egress. */
  readonly runnerSubnets?: ec2.SubnetSelection;
  /** Runner instance types. Default: see {@link RunnerInstanceTypes}. */
  readonly instanceTypes?: RunnerInstanceTypes;
  /** Runner root volume sizes. Default: see {@link RunnerRootVolumes}. */
  readonly rootVolumes?: RunnerRootVolumes;
  /**
   * Base images laid over the catalog out of the box (Ubuntu1604 to Ubuntu2404,
   * Ubuntu, Visual Studio 2013 to 2026); an entry replaces the one of its name.
   * Default none.
   */
  readonly baseImages?: readonly CatalogEntry[];
  /** The image of a job with no `image:`. Default `Visual Studio 2015`, as AppVeyor. */
  readonly defaultImage?: string;
  /** The longest one phase may run. Default 60 minutes, AppVeyor's build timeout. */
  readonly phaseTimeout?: Duration;
  /** Retention of the logs (Lambdas, state machine, phase output). Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How long build artifacts are kept in their bucket. Default: as long as
   * the logs, so a build's logs and artifacts go together (for ever when the
   * logs are kept for ever).
   */
  readonly artifactRetention?: Duration;
  /** The most concurrent jobs of the whole installation. Default 20. */
  readonly maxConcurrentJobs?: number;
  /**
   * Versions of each custom image that retention keeps after a bake; the
   * current version and versions running builds use are never deleted.
   * Default 3.
   */
  readonly keepImageVersions?: number;
  /**
   * The longest a bake waits for its AMI to become available; past it the
   * bake fails and the current version stays current. Default 60 minutes
   * (an AMI of a 30 GiB root usually takes 5 to 15).
   */
  readonly bakeTimeout?: Duration;
  /** Let same-repository pull-request builds bake images. Default false (never for forks). */
  readonly allowSameRepositoryPullRequestBakes?: boolean;
  /** What happens to the tables when the stack is deleted. Default RETAIN. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Bakehouse in one construct: the event store, the webhook Function URL, the
 * build state machine with its task Lambdas, the runners' network, profile
 * and key, the EventBridge rules that bring phase results and lost runners
 * back, the reaper, the alarms, and the operator API with its badge.
 */
export class Bakehouse extends Construct {
  readonly key: kms.Key;
  readonly eventStore: EventStore;
  readonly stateMachine: sfn.StateMachine;
  readonly webhookUrl: lambda.FunctionUrl;
  readonly functions: PipelineFunctionSet;
  readonly runners: RunnerResources;
  readonly webhookSecret: secrets.Secret;
  readonly githubToken: secrets.Secret;
  /** The operators' API (IAM-signed) and the public badge. */
  readonly operatorApi: OperatorApi;
  /** The bucket of the builds' artifacts. */
  readonly artifacts: ArtifactBucket;

  constructor(scope: Construct, id: string, props: BakehouseProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const phaseTimeout = props.phaseTimeout ?? Duration.minutes(60);
    const timings = {
      phaseTimeout,
      taskTimeout: Duration.minutes(2),
      jobSlotPoll: Duration.seconds(30),
      bakeTimeout: props.bakeTimeout ?? Duration.minutes(60),
    };
    // The runner's expiry during a bake: CreateImage, the wait for the AMI
    // with its last look, RegisterImage and retention, each up to a task.
    const bakeTimeout = Duration.seconds(
      timings.bakeTimeout.toSeconds() + 4 * timings.taskTimeout.toSeconds(),
    );
    this.key = new kms.Key(this, 'Key', {
      description: 'Bakehouse: runner volumes, images, tables and secrets',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.eventStore = new EventStore(this, 'EventStore', {
      encryptionKey: this.key,
      removalPolicy,
      logRetention,
    });
    const pipelineTable = this.#table('Pipeline', removalPolicy);
    this.artifacts = new ArtifactBucket(this, 'Artifacts', {
      key: this.key,
      retention: props.artifactRetention ?? retentionOf(logRetention),
      removalPolicy,
    });
    this.webhookSecret = new secrets.Secret(this, 'WebhookSecret', {
      description: 'Bakehouse: the GitHub webhook secret',
      encryptionKey: this.key,
    });
    this.githubToken = new secrets.Secret(this, 'GitHubToken', {
      description: 'Bakehouse: a GitHub token that reads contents and writes statuses',
      encryptionKey: this.key,
    });

    const vpc = props.vpc ?? this.#vpc();
    this.runners = new RunnerResources(this, 'Runners', {
      vpc,
      key: this.key,
      logRetention,
    });
    const { webhookSecret, githubToken, runners } = this;
    const stateMachineName = `${Stack.of(this).stackName}-${id}-builds`.slice(0, 80);
    this.functions = new PipelineFunctionSet(this, 'Tasks', {
      logRetention,
      stateMachineName,
      eventStore: this.eventStore,
      pipelineTable,
      webhookSecret,
      githubToken,
      key: this.key,
      runners,
      artifacts: this.artifacts,
      runnerSubnetIds: vpc.selectSubnets(
        props.runnerSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ).subnetIds,
      settings: {
        instanceTypes: {
          linux: props.instanceTypes?.linux ?? 'm7i.large',
          windows: props.instanceTypes?.windows ?? 'm7i.xlarge',
        },
        rootVolumeGiB: {
          linux: props.rootVolumes?.linux ?? 30,
          windows: props.rootVolumes?.windows ?? 60,
        },
        images: {
          ...defaultImageSettings,
          defaultImage: props.defaultImage ?? defaultImageSettings.defaultImage,
          allowSameRepositoryPullRequestBakes:
            props.allowSameRepositoryPullRequestBakes ?? false,
          keepVersions: props.keepImageVersions ?? defaultImageSettings.keepVersions,
        },
        baseImages: props.baseImages ?? [],
        phaseTimeout,
        bakeTimeout,
        maxConcurrentJobs: props.maxConcurrentJobs ?? 20,
      },
    });

    const functions = this.functions;
    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Builds', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        pipelineDefinition(this, functions.tasks, timings),
      ),
      logs: {
        destination: stateMachineLogs,
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
      tracingEnabled: true,
    });
    functions.allowStarting(this.stateMachine);
    this.webhookUrl = functions.webhook.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
    });

    new BakehouseRules(this, 'Rules', {
      functions,
      stateMachineArn: this.stateMachine.stateMachineArn,
    });
    this.operatorApi = new OperatorApi(this, 'OperatorApi', {
      eventStore: this.eventStore,
      pipelineTable,
      key: this.key,
      runners,
      stateMachine: this.stateMachine,
      stateMachineName,
      logRetention,
      artifacts: this.artifacts,
    });
    new BakehouseAlarms(this, 'Alarms', {
      stateMachine: this.stateMachine,
      deadLetterQueue: this.eventStore.deadLetterQueue,
      reaperLogs: functions.reaperLogGroup,
    });
  }

  #table(id: string, removalPolicy: RemovalPolicy): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      removalPolicy,
    });
  }

  #vpc(): ec2.Vpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'runners', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    vpc.addFlowLog('FlowLogs', { trafficType: ec2.FlowLogTrafficType.REJECT });

    return vpc;
  }
}

/** The artifacts' retention that matches the logs': none when the logs never expire. */
function retentionOf(logRetention: logs.RetentionDays): Duration | undefined {
  return logRetention === logs.RetentionDays.INFINITE
    ? undefined
    : Duration.days(logRetention);
}
