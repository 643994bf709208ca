import './polyfill.ts';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { projectorHandler } from '../functions/projector.ts';
import { statusReactorHandler } from '../functions/status-reactor.ts';
import { synthesizeDefinition } from '../infra/definition.ts';
import { badgeHandler } from '../shared/api/badge.ts';
import { readApiHandler } from '../shared/api/read-api.ts';
import { writeApiHandler } from '../shared/api/write-api.ts';
import { createPipelineTable } from '../shared/aws/pipeline-table.ts';
import { DynamoDbEventStore } from '../shared/events/dynamodb-event-store.ts';
import { createTables } from '../shared/events/tables.ts';
import type { CatalogEntry } from '../shared/images/catalog.ts';
import { ViewQueries } from '../shared/views/queries.ts';
import { ViewProjector } from '../shared/views/view-projector.ts';
import { viewsDocumentClient } from '../shared/views/views-client.ts';
import { artifactFilesRoute } from './artifacts/files-route.ts';
import { deadLetterFile, keepDeadLetters } from './dead-letters.ts';
import {
  type DynamoDbLocal,
  localCredentials,
  startDynamoDbLocal,
  stopOrphanDynamoDbLocal,
} from './dynamodb-local.ts';
import { LocalExecutionHistory } from './execution-history.ts';
import { type LocalHttpServer, startHttpServer } from './http-server.ts';
import { intakeRoute, intakeRoutes } from './intake-route.ts';
import { refuseBesideLiveBackend, takeBackendLock } from './live-backend.ts';
import { dynamoDbFolder, localTables } from './local-tables.ts';
import { LogStatusReporter, localBuildUrl } from './log-status-reporter.ts';
import { endFailedBuild, LocalOrchestrator } from './orchestrator.ts';
import { LocalPhaseLogs } from './phase-logs.ts';
import { type LocalPipeline, localPipeline } from './pipeline-wiring.ts';
import { LocalWebhookSecretSource } from './secret-source.ts';
import { fileCheckpoints } from './stream-checkpoints.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';

/** Options of {@link startBackend}. */
export interface BackendOptions {
  /** The state folder; default `.bakehouse` in the current folder. */
  readonly stateDir?: string;
  /** The HTTP port; default a free one. */
  readonly port?: number;
  /** Where structured log lines go; default a Powertools Logger. */
  readonly logger?: Logger;
  /** How long a phase may run before its runner kills it. Default 600 s. */
  readonly phaseTimeoutSeconds?: number;
  /** PATH of the local runners' phases; default this process's PATH. */
  readonly runnerPath?: string;
  /**
   * Base images laid over the catalog out of the box, as the construct's
   * `baseImages`: locally each is an empty runner folder, whatever its source.
   * Default none.
   */
  readonly baseImages?: readonly CatalogEntry[];
}

/** The running embedded backend, and what a scenario or test needs of it. */
export interface Backend {
  /** `http://127.0.0.1:<port>`: POST /webhook, GET /api/..., GET /artifacts/... */
  readonly url: string;
  readonly stateDir: string;
  readonly pipeline: LocalPipeline;
  readonly orchestrator: LocalOrchestrator<LocalPipeline['deps']>;
  readonly queries: ViewQueries;
  readonly events: DynamoDbEventStore;
  /** Resolves when every started build has finished and the views caught up. */
  idle(): Promise<void>;
  /** Stops everything that was started, in reverse order. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded backend: DynamoDB Local (persisted in the state folder),
 * the tables, the projectors and the status reactor over the stream, the
 * local orchestrator running the synthesized state machine with the local
 * runner fleet and image store, and the HTTP server for webhooks and the
 * read API. Builds left running by an earlier backend are recorded as
 * interrupted. A state folder that a running backend serves is refused
 * (`BackendRunningError`).
 */
export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const stateDir = resolve(
    options.stateDir ?? process.env.BAKEHOUSE_STATE_DIR ?? '.bakehouse',
  );
  await refuseBesideLiveBackend(stateDir);
  const release = takeBackendLock(stateDir);
  const logger = options.logger ?? new Logger({ serviceName: 'bakehouse' });
  mkdirSync(join(stateDir, dynamoDbFolder), { recursive: true });
  // Run in reverse: the lock goes last, once everything else has stopped.
  const stops: (() => Promise<void>)[] = [async () => release()];
  const stop = async (): Promise<void> => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };

  try {
    const dbPath = join(stateDir, dynamoDbFolder);
    // A backend killed with its DynamoDB Local left running would share its files.
    const orphans = await stopOrphanDynamoDbLocal(dbPath);
    if (orphans > 0) {
      logger.warn(
        'stopped the DynamoDB Local a killed backend left on the state folder',
        {
          stateDir,
          processes: orphans,
        },
      );
    }
    const dynamo: DynamoDbLocal = await startDynamoDbLocal({ dbPath });
    stops.push(() => dynamo.stop());
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: localCredentials,
    });
    stops.push(async () => client.destroy());
    await createTables(client, { events: localTables.events, views: localTables.views });
    await createPipelineTable(client, localTables.pipeline);

    const http: LocalHttpServer = await startHttpServer(
      options.port === undefined ? {} : { port: options.port },
    );
    stops.push(() => http.stop());
    const events = new DynamoDbEventStore({ client, tableName: localTables.events });
    const pipeline = localPipeline({
      stateDir,
      client,
      events,
      pipelineTable: localTables.pipeline,
      logger,
      phaseTimeoutSeconds: options.phaseTimeoutSeconds,
      runnerPath: options.runnerPath,
      url: http.url,
      baseImages: options.baseImages,
    });
    stops.push(() => pipeline.stop());
    const orchestrator = new LocalOrchestrator({
      definition: synthesizeDefinition(),
      tasks: pipeline.tasks,
      callbackStates: pipeline.callbackStates,
      deps: pipeline.deps,
      callbacks: pipeline.callbacks,
      onFailed: endFailedBuild(pipeline.deps),
    });

    const views = viewsDocumentClient(client);
    const project = projectorHandler(
      new ViewProjector({ store: events, client: views, viewsTable: localTables.views }),
      logger,
    );
    const react = statusReactorHandler(
      () => ({
        store: events,
        reporter: new LogStatusReporter(logger),
        targetUrl: localBuildUrl(http.url),
      }),
      logger,
    );
    const poller: StreamPoller = startStreamPoller({
      endpoint: dynamo.endpoint,
      streamArn: await streamArnOf(client, localTables.events),
      handler: async (event: DynamoDBStreamEvent) => {
        const projected = await project(event);
        await react(event);

        return projected;
      },
      checkpoints: fileCheckpoints(join(stateDir, 'stream-checkpoints.json')),
      onGiveUp: (records, error) => {
        const file = deadLetterFile(stateDir);
        keepDeadLetters(file, records, error);
        logger.error('stream records given up', { count: records.length, file, error });
      },
    });
    stops.push(() => poller.stop());

    // Before any route answers, so a build started now is never taken for
    // one the last backend left running.
    await pipeline.recoverInterrupted();
    const intake = intakeRoute(
      {
        client,
        eventsTable: localTables.events,
        orchestrator,
        webhookSecret: new LocalWebhookSecretSource(stateDir),
      },
      logger,
    );
    for (const [key, route] of Object.entries(intakeRoutes(intake))) {
      http.mount(key, route);
    }
    const queries = new ViewQueries(views, localTables.views);
    http.mount(
      'GET /api/*',
      readApiHandler({
        views: queries,
        history: new LocalExecutionHistory(orchestrator),
        logs: new LocalPhaseLogs(stateDir),
        artifacts: pipeline.deps.artifacts,
        log: logger,
      }),
    );
    http.mountStream('/artifacts', artifactFilesRoute(stateDir));
    const write = writeApiHandler({
      ...pipeline.deps,
      orchestrator,
      images: pipeline.images.registry,
      errorLog: logger,
    });
    http.mount('POST /api/*', write);
    http.mount('DELETE /api/*', write);
    http.mount('GET /badge/*', badgeHandler({ views: queries, log: logger }));
    const endpointFile = join(stateDir, 'endpoint');
    writeFileSync(endpointFile, `${http.url}\n`);
    // A stopped backend leaves no address behind for the CLI to try.
    stops.push(async () => {
      const written = readFileSync(endpointFile, 'utf8').trim();
      if (written === http.url) rmSync(endpointFile, { force: true });
    });

    return {
      url: http.url,
      stateDir,
      pipeline,
      orchestrator,
      queries,
      events,
      idle: async () => {
        await orchestrator.idle();
        await poller.drain();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function streamArnOf(client: DynamoDBClient, table: string): Promise<string> {
  const described = await client.send(new DescribeTableCommand({ TableName: table }));
  const arn = described.Table?.LatestStreamArn;
  if (!arn) throw new Error(`The table ${table} has no stream; the projectors need one`);

  return arn;
}
