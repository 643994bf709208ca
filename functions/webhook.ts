/**
 * The GitHub webhook Lambda behind a Function URL: turns the event into an
 * intake request, lets `acceptDelivery` decide, and answers. Reads
 * EVENTS_TABLE, STATE_MACHINE_ARN and WEBHOOK_SECRET_ID (name or ARN of the
 * webhook secret in Secrets Manager).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { dynamoDbIntakeDeps } from '../shared/aws/intake-deps.ts';
import { SecretsManagerSecretSource } from '../shared/aws/secrets-manager-secret-source.ts';
import { StepFunctionsOrchestrator } from '../shared/aws/step-functions-orchestrator.ts';
import { acceptDelivery, type IntakeDeps } from '../shared/intake/accept-delivery.ts';
import type { WebhookAnswer, WebhookRequest } from '../shared/intake/delivery.ts';
import { loggedDeliveryId } from '../shared/intake/limits.ts';

const logger = new Logger({ serviceName: 'bakehouse-webhook' });

/**
 * The webhook handler for a way of building intake's dependencies, built
 * once. A Function URL hands it every method: anything but POST is answered
 * 405 with `Allow: POST`. An event without a method (a direct invoke) is
 * taken as a POST.
 */
export function webhookHandler(makeDeps: () => IntakeDeps, log: Logger = logger) {
  let deps: IntakeDeps | undefined;

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(log, { resetKeys: true }))
    .handler(async (event) => {
      const method = event.requestContext?.http?.method ?? 'POST';
      if (method !== 'POST') return methodNotAllowed(method);
      try {
        deps ??= makeDeps();

        return functionUrlResult(await acceptDelivery(webhookRequest(event), deps));
      } catch (error) {
        const deliveryId = loggedDeliveryId(event.headers?.['x-github-delivery']);
        log.error('delivery failed; GitHub may redeliver it', { deliveryId, error });

        return functionUrlResult({
          statusCode: 500,
          body: { message: 'the delivery could not be recorded; redeliver it' },
        });
      }
    });
}

/** The intake request of a Function URL event: header names lower-cased, body bytes decoded. */
export function webhookRequest(event: APIGatewayProxyEventV2): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const encoding = event.isBase64Encoded ? 'base64' : 'utf8';

  return { headers, body: Buffer.from(event.body ?? '', encoding) };
}

function methodNotAllowed(method: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 405,
    headers: { 'content-type': 'application/json', allow: 'POST' },
    body: JSON.stringify({
      message: `method ${method} is not allowed: GitHub delivers webhooks with POST`,
    }),
  };
}

function functionUrlResult(answer: WebhookAnswer): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: answer.statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer.body),
  };
}

function awsDeps(): IntakeDeps {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value)
      throw new Error(`The webhook Lambda needs the ${name} environment variable`);

    return value;
  };

  return dynamoDbIntakeDeps({
    client: new DynamoDBClient({}),
    eventsTable: env('EVENTS_TABLE'),
    orchestrator: new StepFunctionsOrchestrator(
      new SFNClient({}),
      env('STATE_MACHINE_ARN'),
    ),
    webhookSecret: new SecretsManagerSecretSource(
      new SecretsManagerClient({}),
      env('WEBHOOK_SECRET_ID'),
    ),
    log: logger,
  });
}

/** The Lambda entry point. */
export const handler = webhookHandler(awsDeps);
