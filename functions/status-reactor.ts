/**
 * The commit-status Lambda, on the events table's DynamoDB stream: posts
 * GitHub commit statuses for builds that start and finish, answering with the
 * first record to retry (ReportBatchItemFailures). Reads EVENTS_TABLE,
 * STATE_MACHINE_ARN, GITHUB_TOKEN_SECRET_ID and, for GitHub Enterprise
 * Server, GITHUB_API_URL.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { SecretsManagerSecretSource } from '../shared/aws/secrets-manager-secret-source.ts';
import { executionConsoleUrl } from '../shared/aws/step-functions-orchestrator.ts';
import { DynamoDbEventStore } from '../shared/events/dynamodb-event-store.ts';
import { decodeEvent, type Item } from '../shared/events/event-item.ts';
import { GitHubClient } from '../shared/github/octokit-client.ts';
import { OctokitStatusReporter } from '../shared/github/octokit-status-reporter.ts';
import {
  type CommitStatusDeps,
  postCommitStatuses,
} from '../shared/reactors/commit-status.ts';

const logger = new Logger({ serviceName: 'bakehouse-status-reactor' });

/** Where failures are told: Powertools Logger's shape. */
export interface ReactorLog {
  error(message: string, attributes: Readonly<Record<string, unknown>>): void;
}

/**
 * The batch handler for a way of building the reactor's dependencies, built
 * once; the local stream poller calls it too. Records are handled in order;
 * the first that fails is reported, so it and those after it are retried.
 */
export function statusReactorHandler(makeDeps: () => CommitStatusDeps, log: ReactorLog) {
  let deps: CommitStatusDeps | undefined;

  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    deps ??= makeDeps();
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || !image) continue;
      const stored = decodeEvent(image as Item);
      if (!stored) continue;
      try {
        await postCommitStatuses([stored], deps);
      } catch (error) {
        log.error('commit status not posted', {
          buildId: stored.streamId.replace(/^build-/, ''),
          event: stored.type,
          error,
        });

        return {
          batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }],
        };
      }
    }

    return { batchItemFailures: [] };
  };
}

function awsDeps(): CommitStatusDeps {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value)
      throw new Error(`The status reactor needs the ${name} environment variable`);

    return value;
  };
  const stateMachineArn = env('STATE_MACHINE_ARN');
  const github = new GitHubClient({
    token: new SecretsManagerSecretSource(
      new SecretsManagerClient({}),
      env('GITHUB_TOKEN_SECRET_ID'),
    ),
    ...(process.env.GITHUB_API_URL && { baseUrl: process.env.GITHUB_API_URL }),
  });

  return {
    store: new DynamoDbEventStore({
      client: new DynamoDBClient({}),
      tableName: env('EVENTS_TABLE'),
    }),
    reporter: new OctokitStatusReporter(github),
    targetUrl: (buildId) => executionConsoleUrl(stateMachineArn, buildId),
  };
}

/** The Lambda entry point. */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(statusReactorHandler(awsDeps, logger));
