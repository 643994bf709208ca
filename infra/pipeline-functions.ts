import { ArnFormat, type Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { runnerTags } from '../shared/aws/ec2-runner-tags.ts';
import { pipelineEnvNames as env } from '../shared/aws/pipeline-env.ts';
import {
  type CatalogEntry,
  type ImageSettings,
  withCatalogEntries,
} from '../shared/images/catalog.ts';
import type { ArtifactBucket } from './artifact-bucket.ts';
import type { EventStore } from './event-store.ts';
import { BakehouseFunction } from './lambda-function.ts';
import type { PipelineFunctions } from './pipeline-definition.ts';
import type { RunnerResources } from './runner-resources.ts';

/** The operator's settings the Lambdas receive. */
export interface PipelineSettingsProps {
  readonly instanceTypes: { readonly linux: string; readonly windows: string };
  readonly rootVolumeGiB: { readonly linux: number; readonly windows: number };
  readonly images: ImageSettings;
  readonly baseImages: readonly CatalogEntry[];
  readonly phaseTimeout: Duration;
  /** The bake's bound after on_finish: the image created, available, registered. */
  readonly bakeTimeout: Duration;
  readonly maxConcurrentJobs: number;
}

/** The SSM parameters and Image Builder pipelines the base image catalog reads, each once. */
function baseImageSources(settings: PipelineSettingsProps): {
  parameters: string[];
  pipelines: string[];
} {
  const catalog = withCatalogEntries(settings.images.catalog, settings.baseImages);
  const parameters = catalog.flatMap((e) =>
    e.source.kind === 'ssm' ? [e.source.parameter] : [],
  );
  const pipelines = catalog.flatMap((e) =>
    e.source.kind === 'image-builder' ? [e.source.pipelineArn] : [],
  );

  return { parameters: [...new Set(parameters)], pipelines: [...new Set(pipelines)] };
}

/** What the Lambdas are wired to. */
export interface PipelineFunctionSetProps {
  readonly logRetention: logs.RetentionDays;
  readonly stateMachineName: string;
  readonly eventStore: EventStore;
  readonly pipelineTable: dynamodb.ITable;
  readonly webhookSecret: secrets.ISecret;
  readonly githubToken: secrets.ISecret;
  readonly key: kms.IKey;
  readonly runners: RunnerResources;
  /** The bucket the run-phase Lambda signs artifact uploads for. */
  readonly artifacts: ArtifactBucket;
  readonly runnerSubnetIds: readonly string[];
  readonly settings: PipelineSettingsProps;
}

/**
 * Every Lambda of Bakehouse with the least each needs: the task Lambdas of
 * the state machine, the webhook, the phase completion, the lost-runner
 * handler and the reaper.
 */
export class PipelineFunctionSet extends Construct {
  readonly tasks: PipelineFunctions;
  readonly webhook: lambda.IFunction;
  readonly phaseCompleted: lambda.IFunction;
  readonly runnerLost: lambda.IFunction;
  readonly reaper: lambda.IFunction;
  readonly reaperLogGroup: logs.ILogGroup;
  /** Every Lambda of the set, for reviews that go through them all. */
  readonly functions: BakehouseFunction[] = [];
  readonly #stateMachineArn: string;
  readonly #props: PipelineFunctionSetProps;

  constructor(scope: Construct, id: string, props: PipelineFunctionSetProps) {
    super(scope, id);
    this.#props = props;
    const stack = Stack.of(this);
    this.#stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: props.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const { eventStore, pipelineTable, runners, settings } = props;
    const common = {
      [env.eventsTable]: eventStore.eventsTable.tableName,
      [env.viewsTable]: eventStore.viewsTable.tableName,
      [env.pipelineTable]: pipelineTable.tableName,
      [env.installation]: stack.stackName,
      [env.phaseTimeoutSeconds]: String(settings.phaseTimeout.toSeconds()),
      [env.bakeTimeoutSeconds]: String(settings.bakeTimeout.toSeconds()),
      [env.maxConcurrentJobs]: String(settings.maxConcurrentJobs),
      [env.defaultImage]: settings.images.defaultImage,
    };
    const fn = (entry: string, extra: Record<string, string> = {}) => {
      const created = new BakehouseFunction(this, entry, {
        entry,
        environment: { ...common, ...extra },
        logRetention: props.logRetention,
      });
      this.#grantItems(created.role, eventStore.eventsTable);
      this.#grantItems(created.role, pipelineTable);
      props.key.grant(created.role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
      this.functions.push(created);

      return created;
    };

    // The operator's catalog says the platform of names that do not say it.
    const baseImages = JSON.stringify(settings.baseImages);
    const loadConfig = fn('load-config', {
      [env.githubTokenSecret]: props.githubToken.secretArn,
      [env.baseImages]: baseImages,
    });
    props.githubToken.grantRead(loadConfig.function);
    const resolveImage = fn('resolve-image', { [env.baseImages]: baseImages });
    this.#allowResolving(resolveImage.role, settings);
    const launchRunner = fn('launch-runner', {
      [env.runnerSubnets]: props.runnerSubnetIds.join(','),
      [env.runnerSecurityGroup]: runners.securityGroup.securityGroupId,
      [env.runnerInstanceProfile]: runners.instanceProfile.instanceProfileArn,
      [env.runnerForkInstanceProfile]: runners.forkInstanceProfile.instanceProfileArn,
      [env.runnerKey]: props.key.keyArn,
      [env.runnerInstanceTypes]: JSON.stringify(settings.instanceTypes),
      [env.runnerRootVolumeGiB]: JSON.stringify(settings.rootVolumeGiB),
    });
    this.#allowLaunching(launchRunner.role);
    const runPhase = fn('run-phase', {
      [env.runnerLogGroup]: runners.logGroup.logGroupName,
      [env.artifactsBucket]: props.artifacts.bucket.bucketName,
    });
    this.#allowSendingCommands(runPhase.role);
    props.artifacts.allowUploads(runPhase.role);
    this.#allowRenewingExpiry(runPhase.role);
    this.#allowTaskCallbacks(runPhase.role);
    const terminateRunner = fn('terminate-runner');
    const terminateBuildRunners = fn('terminate-build-runners');
    const recordBuildError = fn('record-build-error');
    const ending = [terminateRunner, terminateBuildRunners, recordBuildError];
    for (const f of ending) this.#allowTerminating(f.role);
    // Runners are told apart by their tags; SendCommand's refusal by their state.
    for (const f of [runPhase, ...ending]) this.#allowDescribingInstances(f.role);

    // The bake, and the build sweep that deletes what a stopped bake half made.
    const imaging = {
      [env.runnerKey]: props.key.keyArn,
      [env.keepImageVersions]: String(settings.images.keepVersions),
    };
    const decideBake = fn('decide-bake', {
      [env.baseImages]: baseImages,
      [env.allowSameRepositoryPullRequestBakes]: String(
        settings.images.allowSameRepositoryPullRequestBakes,
      ),
    });
    const [createImage, awaitImage, registerImage, applyRetention, recordBakeFailed] = [
      'create-image',
      'await-image',
      'register-image',
      'apply-retention',
      'record-bake-failed',
    ].map((entry) => fn(entry, imaging)) as [
      BakehouseFunction,
      BakehouseFunction,
      BakehouseFunction,
      BakehouseFunction,
      BakehouseFunction,
    ];
    for (const f of [
      createImage,
      awaitImage,
      registerImage,
      applyRetention,
      recordBakeFailed,
      terminateBuildRunners,
    ]) {
      this.#allowImaging(f.role, f === createImage);
    }

    this.tasks = {
      loadConfig: loadConfig.function,
      acquireJobSlot: fn('acquire-job-slot').function,
      resolveImage: resolveImage.function,
      launchRunner: launchRunner.function,
      runPhase: runPhase.function,
      terminateRunner: terminateRunner.function,
      finishJob: fn('finish-job').function,
      terminateBuildRunners: terminateBuildRunners.function,
      finishBuild: fn('finish-build').function,
      recordBuildError: recordBuildError.function,
      decideBake: decideBake.function,
      createImage: createImage.function,
      awaitImage: awaitImage.function,
      registerImage: registerImage.function,
      applyRetention: applyRetention.function,
      recordBakeFailed: recordBakeFailed.function,
    };

    const phaseCompleted = fn('phase-completed', {
      [env.runnerLogGroup]: runners.logGroup.logGroupName,
    });
    runners.logGroup.grantRead(phaseCompleted.function);
    this.#allowTaskCallbacks(phaseCompleted.role);
    this.phaseCompleted = phaseCompleted.function;
    const runnerLost = fn('runner-lost');
    this.#allowTaskCallbacks(runnerLost.role);
    this.runnerLost = runnerLost.function;
    const reaper = fn('reaper');
    this.#allowTerminating(reaper.role);
    this.#allowDescribingInstances(reaper.role);
    this.reaper = reaper.function;
    this.reaperLogGroup = reaper.logGroup;

    const webhook = fn('webhook', {
      STATE_MACHINE_ARN: this.#stateMachineArn,
      WEBHOOK_SECRET_ID: props.webhookSecret.secretArn,
    });
    props.webhookSecret.grantRead(webhook.function);
    this.webhook = webhook.function;
  }

  /** Lets the webhook start executions of the state machine. */
  allowStarting(stateMachine: sfn.IStateMachine): void {
    stateMachine.grantStartExecution(this.webhook);
  }

  /**
   * Item reads and writes on a table (transactions are authorized per item),
   * without the index and key wildcards of CDK's table grants.
   */
  #grantItems(role: iam.IRole, table: dynamodb.ITable): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DescribeTable',
        ],
        resources: [table.tableArn],
      }),
    );
  }

  #arn(service: string, resource: string, account = true, region = true): string {
    return Stack.of(this).formatArn({
      service,
      resource,
      ...(!account && { account: '' }),
      ...(!region && { region: '' }),
    });
  }

  #managedRunners(): Record<string, Record<string, string>> {
    return {
      StringEquals: {
        'aws:ResourceTag/bakehouse:installation': Stack.of(this).stackName,
      },
    };
  }

  /**
   * RunInstances of a runner tagged for this installation, the tags only as
   * part of that launch (never on an existing resource), passing either
   * runner role, and the key's use for the encrypted root volume: the grant
   * EBS needs only for an AWS resource.
   */
  #allowLaunching(role: iam.IRole): void {
    const { runners, key } = this.#props;
    const launched = [this.#arn('ec2', 'instance/*'), this.#arn('ec2', 'volume/*')];
    const tagged = {
      'aws:RequestTag/bakehouse:installation': Stack.of(this).stackName,
    };
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:RunInstances'],
        resources: launched,
        conditions: { StringEquals: tagged },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateTags'],
        resources: launched,
        conditions: {
          StringEquals: { ...tagged, 'ec2:CreateAction': 'RunInstances' },
        },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:RunInstances'],
        resources: [
          this.#arn('ec2', 'image/*', false),
          this.#arn('ec2', 'network-interface/*'),
          ...this.#props.runnerSubnetIds.map((id) => this.#arn('ec2', `subnet/${id}`)),
          this.#arn('ec2', `security-group/${runners.securityGroup.securityGroupId}`),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [runners.role.roleArn, runners.forkRole.roleArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ],
        resources: [key.keyArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [key.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }

  /**
   * The base images' sources: the catalog's SSM parameters, the AMIs of its
   * Image Builder pipelines (those configured, no other), and DescribeImages
   * for each image's root device.
   */
  #allowResolving(role: iam.IRole, settings: PipelineSettingsProps): void {
    const { parameters, pipelines } = baseImageSources(settings);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        // Public parameters (/aws/service/...) have ARNs with an empty account.
        resources: parameters.map((name) =>
          this.#arn('ssm', `parameter${name}`, !name.startsWith('/aws/service/')),
        ),
      }),
    );
    if (pipelines.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['imagebuilder:ListImagePipelineImages'],
          resources: pipelines,
        }),
      );
    }
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ec2:DescribeImages'], resources: ['*'] }),
    );
  }

  /**
   * The expiry tag of this installation's runners, and no other tag: each
   * phase moves it, so the reaper takes only runners whose build stopped.
   */
  #allowRenewingExpiry(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateTags'],
        resources: [this.#arn('ec2', 'instance/*')],
        conditions: {
          ...this.#managedRunners(),
          'ForAllValues:StringEquals': { 'aws:TagKeys': [runnerTags.expiresAt] },
        },
      }),
    );
  }

  #allowDescribingInstances(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }),
    );
  }

  #allowSendingCommands(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:SendCommand'],
        resources: [
          this.#arn('ssm', 'document/AWS-RunShellScript', false),
          this.#arn('ssm', 'document/AWS-RunPowerShellScript', false),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:SendCommand'],
        resources: [this.#arn('ec2', 'instance/*')],
        conditions: this.#managedRunners(),
      }),
    );
  }

  /**
   * The bake: CreateImage from this installation's runners, tagging the image
   * and its snapshots as CreateImage creates them, and afterwards tagging and
   * deleting only images and snapshots with this installation's tag; looking
   * images up; runners' tags tell which versions are in use.
   */
  #allowImaging(role: iam.IRole, capture: boolean): void {
    const images = [
      this.#arn('ec2', 'image/*', false),
      this.#arn('ec2', 'snapshot/*', false),
    ];
    if (capture) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ec2:CreateImage'],
          resources: [this.#arn('ec2', 'instance/*')],
          conditions: this.#managedRunners(),
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ec2:CreateImage'], resources: images }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ec2:CreateTags'],
          resources: images,
          conditions: { StringEquals: { 'ec2:CreateAction': 'CreateImage' } },
        }),
      );
    }
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateTags', 'ec2:DeregisterImage', 'ec2:DeleteSnapshot'],
        resources: images,
        conditions: this.#managedRunners(),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:DescribeImages',
          'ec2:DescribeSnapshots',
          'ec2:DescribeInstances',
          'ec2:EnableImageBlockPublicAccess',
          'ec2:GetImageBlockPublicAccessState',
        ],
        resources: ['*'],
      }),
    );
  }

  #allowTerminating(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:TerminateInstances'],
        resources: [this.#arn('ec2', 'instance/*')],
        conditions: this.#managedRunners(),
      }),
    );
  }

  #allowTaskCallbacks(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'states:SendTaskSuccess',
          'states:SendTaskFailure',
          'states:SendTaskHeartbeat',
        ],
        resources: [this.#stateMachineArn],
      }),
    );
  }
}
