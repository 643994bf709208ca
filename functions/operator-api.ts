/**
 * The operators' API Lambda behind API Gateway: the read API (GET /api/...),
 * the write API (POST and DELETE /api/...) and the public badge (GET /badge/...).
 * Reads the pipeline's environment plus VIEWS_TABLE, ARTIFACTS_BUCKET and
 * STATE_MACHINE_ARN.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { badgeHandler } from '../shared/api/badge.ts';
import { pathOf, readApiHandler } from '../shared/api/read-api.ts';
import { writeApiHandler } from '../shared/api/write-api.ts';
import { CloudWatchPhaseLogs } from '../shared/aws/cloudwatch-phase-logs.ts';
import { awsPipeline } from '../shared/aws/pipeline-deps.ts';
import { MissingSettingError, pipelineEnvNames } from '../shared/aws/pipeline-env.ts';
import { SfnExecutionHistory } from '../shared/aws/sfn-execution-history.ts';
import { StepFunctionsOrchestrator } from '../shared/aws/step-functions-orchestrator.ts';
import { ViewQueries } from '../shared/views/queries.ts';
import { viewsDocumentClient } from '../shared/views/views-client.ts';

/** The environment variable of the build state machine's ARN. */
export const stateMachineArnVariable = 'STATE_MACHINE_ARN';

type Route = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

const logger = new Logger({ serviceName: 'bakehouse-operator-api' });

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingSettingError(`The Lambda's environment has no ${name}`);

  return value;
}

/** Wires the three handlers to AWS once per container. */
function wire(): { read: Route; write: Route; badge: Route } {
  const pipeline = awsPipeline(logger);
  const stateMachineArn = setting(stateMachineArnVariable);
  const sfn = new SFNClient({});
  const views = new ViewQueries(
    viewsDocumentClient(new DynamoDBClient({})),
    setting(pipelineEnvNames.viewsTable),
  );

  return {
    read: readApiHandler({
      views,
      history: new SfnExecutionHistory(sfn, stateMachineArn),
      logs: new CloudWatchPhaseLogs(
        new CloudWatchLogsClient({}),
        pipeline.env.runnerLogGroup,
      ),
      artifacts: pipeline.deps.artifacts,
      log: logger,
    }),
    write: writeApiHandler({
      ...pipeline.deps,
      orchestrator: new StepFunctionsOrchestrator(sfn, stateMachineArn),
      images: pipeline.deps.bake.registry,
      errorLog: logger,
    }),
    badge: badgeHandler({ views, log: logger }),
  };
}

let routes: ReturnType<typeof wire> | undefined;

/** Hands each request to the badge, the read API or the write API. */
export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  routes ??= wire();
  const method = event.requestContext.http.method;
  // API Gateway's IAM authorizer says who signed; the v2 type leaves it out.
  const context = event.requestContext as { authorizer?: { iam?: { userArn?: string } } };
  const caller = context.authorizer?.iam?.userArn;
  logger.resetKeys();
  logger.appendKeys({ requestId: event.requestContext.requestId });
  if (method !== 'GET')
    logger.info('operator command', { method, path: pathOf(event), caller });
  if (pathOf(event).startsWith('/badge/')) return routes.badge(event);

  return method === 'GET' ? routes.read(event) : routes.write(event);
}
