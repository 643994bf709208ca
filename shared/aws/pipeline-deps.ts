import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { allocateBuildNumber } from '../builds/build-numbers.ts';
import { planBuild } from '../config/planner.ts';
import { DynamoDbEventStore } from '../events/dynamodb-event-store.ts';
import { GitHubClient } from '../github/octokit-client.ts';
import { OctokitSourceHost } from '../github/octokit-source-host.ts';
import { AwsAmiStore } from '../images/aws-ami-store.ts';
import { AwsBaseImages } from '../images/aws-base-images.ts';
import {
  defaultCatalog,
  defaultImageSettings,
  withCatalogEntries,
} from '../images/catalog.ts';
import { knownPlatform } from '../images/custom-platform.ts';
import { imageKey } from '../images/names.ts';
import { ImageRegistry } from '../images/registry.ts';
import { resolveImage } from '../images/resolve.ts';
import type { PipelineDeps } from '../pipeline/deps.ts';
import { phaseScriptGenerator } from '../pipeline/phase-scripts.ts';
import { kmsDecryption } from '../secrets/runner-decryption.ts';
import { DynamoDbJobSlots } from './dynamodb-job-slots.ts';
import { Ec2ImageUsage } from './ec2-image-usage.ts';
import { withRootDevice } from './ec2-root-device.ts';
import { Ec2RunnerFleet } from './ec2-runner-fleet.ts';
import { type PipelineEnv, readPipelineEnv } from './pipeline-env.ts';
import { DynamoDbWaitingPhases } from './pipeline-table.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';
import { SecretsManagerSecretSource } from './secrets-manager-secret-source.ts';
import { StepFunctionsTaskCallbacks } from './sfn-task-callbacks.ts';

/** The pipeline's dependencies on AWS, and the clients and settings behind them. */
export interface AwsPipeline {
  readonly deps: PipelineDeps;
  readonly env: PipelineEnv;
  readonly ec2: EC2Client;
  readonly logs: CloudWatchLogsClient;
  readonly logger: Logger;
}

/**
 * Wires the pipeline's ports to AWS from the Lambda's environment. Clients
 * are created once per container; the GitHub token is read on first use.
 */
export function awsPipeline(logger: Logger = new Logger()): AwsPipeline {
  const env = readPipelineEnv();
  const dynamo = new DynamoDBClient({});
  const ec2 = new EC2Client({});
  const ssm = new SSMClient({});
  const events = new DynamoDbEventStore({ client: dynamo, tableName: env.eventsTable });
  const store = new AwsAmiStore({
    client: ec2,
    installation: env.installation,
    snapshotKey: { arn: env.runnerKey },
  });
  const registry = new ImageRegistry({
    events,
    store,
    usage: new Ec2ImageUsage(ec2, env.installation),
  });
  const baseImages = new AwsBaseImages({
    ssm,
    imageBuilder: new ImagebuilderClient({}),
    region: process.env.AWS_REGION ?? '',
  });
  const catalog = withCatalogEntries(defaultCatalog, env.baseImages);
  const githubToken = new SecretsManagerSecretSource(
    new SecretsManagerClient({}),
    env.githubTokenSecret,
  );
  const plan: PipelineDeps['planBuild'] = (text, trigger, platforms) =>
    planBuild(text, trigger, {
      defaultImage: env.defaultImage,
      imagePlatform: (name) => platforms?.[imageKey(name)],
    });

  const deps: PipelineDeps = {
    events,
    sourceHost: new OctokitSourceHost(new GitHubClient({ token: githubToken })),
    planBuild: plan,
    imagePlatform: (name) => knownPlatform(registry, catalog, name),
    allocateBuildNumber: (repository, buildId) =>
      allocateBuildNumber(events, repository, buildId),
    resolveImage: withRootDevice(
      (name) =>
        resolveImage(name, {
          loadImage: (n) => registry.load(n),
          baseImages,
          settings: { defaultImage: env.defaultImage, catalog },
        }),
      ec2,
    ),
    fleet: new Ec2RunnerFleet({
      ec2,
      ssm,
      subnetIds: env.runnerSubnets,
      securityGroupId: env.runnerSecurityGroup,
      instanceProfileArn: env.runnerInstanceProfile,
      forkInstanceProfileArn: env.runnerForkInstanceProfile,
      kmsKeyArn: env.runnerKey,
      instanceTypes: env.runnerInstanceTypes,
      rootVolumeGiB: env.runnerRootVolumeGiB,
      logGroupName: env.runnerLogGroup,
      installation: env.installation,
    }),
    callbacks: new StepFunctionsTaskCallbacks(new SFNClient({})),
    slots: new DynamoDbJobSlots(dynamo, env.pipelineTable),
    waiting: new DynamoDbWaitingPhases(dynamo, env.pipelineTable),
    generatePhaseScript: phaseScriptGenerator({
      repositoryUrl: (repository) => `https://github.com/${repository}.git`,
      repositoryProvider: 'gitHub',
      decryption: kmsDecryption(process.env.AWS_REGION ?? ''),
    }),
    artifacts: new S3ArtifactStore({ s3: new S3Client({}), bucket: env.artifactsBucket }),
    settings: {
      installationMaxJobs: env.maxConcurrentJobs,
      phaseTimeoutSeconds: env.phaseTimeoutSeconds,
      bakeTimeoutSeconds: env.bakeTimeoutSeconds,
    },
    bake: {
      registry,
      store,
      settings: {
        ...defaultImageSettings,
        defaultImage: env.defaultImage,
        catalog,
        keepVersions: env.keepImageVersions,
        allowSameRepositoryPullRequestBakes: env.allowSameRepositoryPullRequestBakes,
      },
    },
    log: logger,
    now: () => new Date(),
  };

  return { deps, env, ec2, logs: new CloudWatchLogsClient({}), logger };
}

/**
 * The Lambda handler of a pipeline task: wires AWS once per container, keys
 * the log lines with the build and job, and runs the task on the event.
 */
export function taskHandler<T>(
  task: (input: unknown, deps: PipelineDeps) => Promise<T>,
): (event: unknown) => Promise<T> {
  const logger = new Logger();
  let pipeline: AwsPipeline | undefined;

  return async (event) => {
    pipeline ??= awsPipeline(logger);
    const ids = event as { buildId?: unknown; jobId?: unknown };
    logger.resetKeys();
    logger.appendKeys({
      buildId: String(ids.buildId ?? ''),
      jobId: String(ids.jobId ?? ''),
    });

    return task(event, pipeline.deps);
  };
}
