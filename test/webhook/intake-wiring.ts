import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Route } from '../../local/http-server.ts';
import { intakeRoute, intakeRoutes } from '../../local/intake-route.ts';
import { LocalOrchestrator } from '../../local/orchestrator.ts';
import { LocalTaskCallbacks } from '../../local/task-callbacks.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { freshStore } from '../events/support.ts';
import { RecordingOrchestrator } from '../support/recording-orchestrator.ts';
import { testSecret } from './support.ts';

/** Intake on fresh DynamoDB Local tables, with its store and orchestrator exposed. */
export interface LocalIntake {
  readonly route: Route;
  /** {@link LocalIntake.route} under every method of `/webhook`, as the backend mounts it. */
  readonly routes: Readonly<Record<string, Route>>;
  readonly store: DynamoDbEventStore;
  /** Intake's calls, handed on to {@link LocalIntake.executions}. */
  readonly orchestrator: RecordingOrchestrator;
  /** The embedded mode's orchestrator, on a one-state machine that succeeds at once. */
  readonly executions: LocalOrchestrator<object>;
}

/** Until a test needs the pipeline, an execution ends as soon as it starts. */
const acceptedAtOnce = { StartAt: 'Accepted', States: { Accepted: { Type: 'Succeed' } } };

/** Intake wired as the embedded mode wires it, on tables named after the test file. */
export async function localIntake(
  client: DynamoDBClient,
  prefix: string,
): Promise<LocalIntake> {
  const { store, names } = await freshStore(client, prefix);
  const executions = new LocalOrchestrator<object>({
    definition: acceptedAtOnce,
    tasks: {},
    callbackStates: [],
    deps: {},
    callbacks: new LocalTaskCallbacks(),
  });
  const orchestrator = new RecordingOrchestrator(executions);
  const route = intakeRoute(
    {
      client,
      eventsTable: names.events,
      orchestrator,
      webhookSecret: { load: async () => ({ current: testSecret }) },
    },
    new Logger({ serviceName: 'bakehouse-webhook-test', logLevel: 'SILENT' }),
  );

  return { route, routes: intakeRoutes(route), store, orchestrator, executions };
}
