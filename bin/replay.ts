/**
 * `bakehouse replay`: rebuilds every view from the events, of the embedded
 * backend's state folder (the default) or of the tables named, on AWS or on
 * a DynamoDB endpoint. The projectors must not run meanwhile.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDbLocal,
  localCredentials,
  startDynamoDbLocal,
} from '../local/dynamodb-local.ts';
import { liveBackendOf } from '../local/live-backend.ts';
import { dynamoDbFolder, localTables } from '../local/local-tables.ts';
import { DynamoDbEventStore } from '../shared/events/dynamodb-event-store.ts';
import { argumentErrorOf } from '../shared/text/argument-error.ts';
import { replayViews } from '../shared/views/replay.ts';
import { viewsDocumentClient } from '../shared/views/views-client.ts';
import { stateDirOf } from './client.ts';
import type { Command } from './commands.ts';

const usage = `Usage: bakehouse replay [--state-dir DIR]
       bakehouse replay --events-table T --views-table V [--dynamodb URL]

Clears the views table and rebuilds every view from the events table.
With no table named, replays the embedded backend's state folder
($BAKEHOUSE_STATE_DIR, else .bakehouse): stop its backend first, since its
projectors would write the views too. With tables named, replays them on
AWS (your credentials), or on the DynamoDB endpoint --dynamodb names.
  --state-dir DIR    the embedded backend's state folder
  --events-table T   default $EVENTS_TABLE
  --views-table V    default $VIEWS_TABLE
  --dynamodb URL     a DynamoDB endpoint, e.g. DynamoDB Local (default: AWS)
Exit codes: 0 rebuilt, 1 the replay failed or a backend runs, 2 wrong usage.`;

const options = {
  'state-dir': { type: 'string' },
  dynamodb: { type: 'string' },
  'events-table': { type: 'string' },
  'views-table': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** The `replay` command. */
export const replay: Command = {
  summary: 'rebuild every view from the events',
  async run(argv) {
    let values: Values;
    try {
      ({ values } = parseArgs({ args: [...argv], options }));
    } catch (error) {
      process.stderr.write(`bakehouse replay: ${argumentErrorOf(error)}\n${usage}\n`);
      return 2;
    }
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const events = values['events-table'] ?? process.env.EVENTS_TABLE;
    const views = values['views-table'] ?? process.env.VIEWS_TABLE;
    if (Boolean(events) !== Boolean(views)) {
      process.stderr.write(
        'bakehouse replay: name both the events and the views table, or neither ' +
          `(the embedded backend's)\n${usage}\n`,
      );
      return 2;
    }

    try {
      if (events && views) return await replayTables(values.dynamodb, events, views);

      return await replayStateFolder(values['state-dir']);
    } catch (error) {
      process.stderr.write(`bakehouse replay: ${(error as Error).message}\n`);
      return 1;
    }
  },
};

/** Replays the state folder's tables on a DynamoDB Local of its own. */
async function replayStateFolder(stateDirFlag: string | undefined): Promise<number> {
  const env = stateDirFlag
    ? { ...process.env, BAKEHOUSE_STATE_DIR: stateDirFlag }
    : process.env;
  const stateDir = stateDirOf(env);
  const running = await liveBackendOf(stateDir);
  if (running) {
    process.stderr.write(
      `bakehouse replay: a backend runs on ${stateDir} at ${running}; stop it ` +
        'first: its projectors write the views while replay rebuilds them\n',
    );
    return 1;
  }
  const dynamo: DynamoDbLocal = await startDynamoDbLocal({
    dbPath: join(stateDir, dynamoDbFolder),
  });
  try {
    return await replayTables(dynamo.endpoint, localTables.events, localTables.views);
  } finally {
    await dynamo.stop();
  }
}

async function replayTables(
  endpoint: string | undefined,
  events: string,
  views: string,
): Promise<number> {
  const client = new DynamoDBClient(
    endpoint ? { endpoint, credentials: localCredentials, region: 'us-east-1' } : {},
  );
  try {
    const store = new DynamoDbEventStore({ client, tableName: events });
    const started = performance.now();
    const summary = await replayViews({
      readAll: () => store.scanAll(),
      client: viewsDocumentClient(client),
      viewsTable: views,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `Replayed ${summary.events} events of ${summary.streams} streams into ` +
        `${summary.viewItems} view items in ${seconds} s\n`,
    );

    return 0;
  } finally {
    client.destroy();
  }
}
