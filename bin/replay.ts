/**
 * `bakehouse replay [--endpoint URL] [--events-table T] [--views-table V]`:
 * rebuilds every view from the events. Stop the projectors while it runs.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localCredentials } from '../local/dynamodb-local.ts';
import { DynamoDbEventStore } from '../shared/events/dynamodb-event-store.ts';
import { replayViews } from '../shared/views/replay.ts';
import { viewsDocumentClient } from '../shared/views/views-client.ts';
import type { Command } from './commands.ts';

const usage = `Usage: bakehouse replay [--endpoint URL] [--events-table T] [--views-table V]

Clears the views table and rebuilds every view from the events table.
  --endpoint URL     a DynamoDB endpoint, e.g. DynamoDB Local (default: AWS)
  --events-table T   default $EVENTS_TABLE
  --views-table V    default $VIEWS_TABLE
Exit codes: 0 rebuilt, 1 the replay failed, 2 wrong usage.`;

const options = {
  endpoint: { type: 'string' },
  'events-table': { type: 'string' },
  'views-table': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The `replay` command. */
export const replay: Command = {
  summary: 'rebuild every view from the events',
  async run(argv) {
    let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
    try {
      ({ values } = parseArgs({ args: [...argv], options }));
    } catch (error) {
      process.stderr.write(`bakehouse replay: ${(error as Error).message}\n${usage}\n`);
      return 2;
    }
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const events = values['events-table'] ?? process.env.EVENTS_TABLE;
    const views = values['views-table'] ?? process.env.VIEWS_TABLE;
    if (!events || !views) {
      process.stderr.write(
        `bakehouse replay: name the events and views tables\n${usage}\n`,
      );
      return 2;
    }

    const client = new DynamoDBClient(
      values.endpoint
        ? {
            endpoint: values.endpoint,
            credentials: localCredentials,
            region: 'us-east-1',
          }
        : {},
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
    } catch (error) {
      process.stderr.write(`bakehouse replay: ${(error as Error).message}\n`);
      return 1;
    } finally {
      client.destroy();
    }
  },
};
