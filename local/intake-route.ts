import { METHODS } from 'node:http';
import { Logger } from '@aws-lambda-powertools/logger';
import { webhookHandler } from '../functions/webhook.ts';
import { dynamoDbIntakeDeps, type IntakeWiring } from '../shared/aws/intake-deps.ts';
import { functionUrlRoute, type Route } from './http-server.ts';

/**
 * The webhook Lambda's own handler as a local route, wired to DynamoDB Local
 * and a local orchestrator; the logger gets both the handler's and the
 * decisions' lines. Mount it for every method ({@link intakeRoutes}): the
 * handler answers all but POST with 405, as behind a Function URL. One
 * process takes every delivery here, so its event store groups the commits
 * that arrive together (DynamoDB Local runs one transaction at a time).
 */
export function intakeRoute(
  wiring: Omit<IntakeWiring, 'log'>,
  logger: Logger = new Logger({ serviceName: 'bakehouse-webhook' }),
): Route {
  // A child of its own: the handler adds the Lambda context to its logger,
  // which must not stick to the lines of the rest of the backend.
  const own = logger.createChild();
  const handler = webhookHandler(
    () => dynamoDbIntakeDeps({ groupCommits: { inFlight: 1 }, ...wiring, log: own }),
    own,
  );

  return functionUrlRoute(handler, 'bakehouse-webhook');
}

/** One intake route under `METHOD /webhook` for every method node:http parses. */
export function intakeRoutes(route: Route): Record<string, Route> {
  return Object.fromEntries(METHODS.map((method) => [`${method} /webhook`, route]));
}
