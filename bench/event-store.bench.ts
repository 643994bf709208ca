/**
 * Event store benchmark on DynamoDB Local: single-event appends on one stream
 * and on 16 streams at once, beside castore's DynamoDB adapter doing the same
 * appends; two-event commits; and replaying 100,000 events into views.
 * Run: npx tsx bench/event-store.bench.ts
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBSingleTableEventStorageAdapter } from '@castore/event-storage-adapter-dynamodb';
import { localCredentials, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { buildStream, newEvent } from '../shared/events/catalogue.ts';
import { DynamoDbEventStore } from '../shared/events/dynamodb-event-store.ts';
import { encodeEvent, type Item } from '../shared/events/event-item.ts';
import { createTableInput, createTables, eventsTable } from '../shared/events/tables.ts';
import { replayViews } from '../shared/views/replay.ts';
import { viewsDocumentClient } from '../shared/views/views-client.ts';

const appendsPerRun = 2_000;
const replayedEvents = 100_000;

/** Appends one event to a stream whose next version is `version`. */
type Append = (streamId: string, version: number) => Promise<void>;

interface Figures {
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Runs `appendsPerRun` appends spread over `streams` concurrent writers. */
async function measure(
  append: Append,
  prefix: string,
  streams: number,
): Promise<Figures> {
  const latencies: number[] = [];
  const each = appendsPerRun / streams;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      for (let version = 1; version <= each; version++) {
        const t0 = performance.now();
        await append(`${prefix}-${s}`, version);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);

  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    perSecond: appendsPerRun / seconds,
  };
}

/** Measures both adapters in turns, three times, and keeps the median of each figure. */
async function compare(
  ours: Append,
  theirs: Append,
  prefix: string,
  streams: number,
): Promise<[Figures, Figures]> {
  const runs: [Figures[], Figures[]] = [[], []];
  for (let turn = 0; turn < 3; turn++) {
    runs[0].push(await measure(ours, `build-${prefix}${turn}`, streams));
    runs[1].push(await measure(theirs, `${prefix}${turn}`, streams));
  }
  const median = (figures: Figures[]): Figures => {
    const mid = (key: keyof Figures) =>
      figures.map((f) => f[key]).sort((a, b) => a - b)[1] ?? NaN;
    return { p50: mid('p50'), p99: mid('p99'), perSecond: mid('perSecond') };
  };

  return [median(runs[0]), median(runs[1])];
}

function payload(version: number) {
  return { jobId: '1', level: 'information' as const, message: `line ${version}` };
}

async function createCastoreTable(client: DynamoDBClient, name: string) {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      // The same stream as ours: DynamoDB Local pays for stream records on every write.
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      AttributeDefinitions: [
        { AttributeName: 'aggregateId', AttributeType: 'S' },
        { AttributeName: 'version', AttributeType: 'N' },
        { AttributeName: 'eventStoreId', AttributeType: 'S' },
        { AttributeName: 'timestamp', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'aggregateId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'initialEvents',
          KeySchema: [
            { AttributeName: 'eventStoreId', KeyType: 'HASH' },
            { AttributeName: 'timestamp', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
}

/** The events of one build with two jobs of ten phases each: 50 events. */
function buildHistory(buildId: string) {
  const phases = ['init', 'clone', 'install', 'before_build', 'build_script'] as const;
  const job = (jobId: string) => [
    newEvent('RunnerLaunched', {
      jobId,
      runnerId: `r-${jobId}`,
      image: { name: 'Ubuntu', ref: 'ami-1' },
    }),
    ...[...phases, ...phases].flatMap((phase) => [
      newEvent('PhaseStarted', { jobId, phase }),
      newEvent('PhaseFinished', {
        jobId,
        phase,
        outcome: 'success',
        exitCode: 0,
        durationMs: 1000,
        logPointer: `logs/${buildId}/${jobId}/${phase}.log`,
      }),
    ]),
    newEvent('JobFinished', { jobId, status: 'success', allowedFailure: false }),
  ];

  return [
    newEvent('BuildRequested', {
      buildId,
      repository: `acme/repo-${buildId.length % 7}`,
      sha: 'abc',
      ref: 'refs/heads/main',
      branch: 'main',
      commit: { message: 'Bench', author: { name: 'Ada', email: 'a@x' } },
      deliveryId: `d-${buildId}`,
      requestedAt: new Date().toISOString(),
    }),
    newEvent('ConfigLoaded', {
      configPath: 'appveyor.yml',
      jobs: [
        { jobId: '1', name: 'a', image: 'Ubuntu' },
        { jobId: '2', name: 'b', image: 'Ubuntu' },
      ],
      versionFormat: '1.0.{build}',
      warnings: 0,
    }),
    newEvent('BuildStarted', { number: 1, version: '1.0.1' }),
    ...job('1'),
    ...job('2'),
    newEvent('BuildFinished', { status: 'success' }),
  ];
}

/** Writes `replayedEvents` events straight into the table, as fast as possible. */
async function seed(client: DynamoDBClient, table: string): Promise<void> {
  const items: Item[] = [];
  const at = new Date().toISOString();
  for (let b = 0; items.length < replayedEvents; b++) {
    const stream = buildStream(`replay-${String(b).padStart(6, '0')}`);
    buildHistory(stream).forEach((event, i) => {
      items.push(encodeEvent(stream, i + 1, event, at));
    });
  }
  const batches: Item[][] = [];
  for (let i = 0; i < replayedEvents; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let batch = batches.pop(); batch; batch = batches.pop()) {
        let pending = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const answer = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
          );
          pending = (answer.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    }),
  );
}

function row(label: string, f: Figures, castore?: Figures): string {
  const times = (key: keyof Figures) => (f[key] / (castore?.[key] ?? 1)).toFixed(2);
  const ratio = castore
    ? `  castore ×: p50 ${times('p50')}, p99 ${times('p99')}, appends/s ${times('perSecond')}`
    : '';
  return (
    `${label.padEnd(30)} p50 ${f.p50.toFixed(2).padStart(6)} ms  ` +
    `p99 ${f.p99.toFixed(2).padStart(6)} ms  ` +
    `${f.perSecond.toFixed(0).padStart(6)} appends/s${ratio}`
  );
}

async function main(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  const client = () =>
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: localCredentials,
    });
  const ours = client();
  const theirs = client();
  try {
    const names = { events: 'bench-events', views: 'bench-views' };
    await createTables(ours, names);
    await createCastoreTable(theirs, 'bench-castore');
    const store = new DynamoDbEventStore({ client: ours, tableName: names.events });
    const adapter = new DynamoDBSingleTableEventStorageAdapter({
      tableName: 'bench-castore',
      dynamoDBClient: theirs,
    });
    const bakehouse: Append = async (streamId, version) => {
      await store.commit({
        appends: [
          {
            streamId,
            expectedVersion: version - 1,
            events: [newEvent('MessageAdded', payload(version))],
          },
        ],
      });
    };
    const castore: Append = async (aggregateId, version) => {
      await adapter.pushEvent(
        { aggregateId, version, type: 'MessageAdded', payload: payload(version) },
        { eventStoreId: 'BUILDS' },
      );
    };

    await measure(bakehouse, 'build-warm', 4);
    await measure(castore, 'warm', 4);
    const [ours1, theirs1] = await compare(bakehouse, castore, 'one', 1);
    const [ours16, theirs16] = await compare(bakehouse, castore, 'many', 16);
    const pairs = await measure(
      async (streamId, version) => {
        await store.commit({
          appends: [
            {
              streamId,
              expectedVersion: (version - 1) * 2,
              events: [
                newEvent('MessageAdded', payload(version)),
                newEvent('MessageAdded', payload(version)),
              ],
            },
          ],
        });
      },
      'build-pair',
      1,
    );

    // Fresh tables, so that exactly the seeded events are replayed. The
    // events table has no stream: replay scans it, and DynamoDB Local's
    // stream bookkeeping makes each seeded write slower than the last.
    const replayNames = { events: 'bench-replay-events', views: 'bench-replay-views' };
    await ours.send(
      new CreateTableCommand(
        createTableInput(replayNames.events, { ...eventsTable, stream: undefined }),
      ),
    );
    await createTables(ours, replayNames);
    const replayStore = new DynamoDbEventStore({
      client: ours,
      tableName: replayNames.events,
    });
    const seeding = performance.now();
    await seed(ours, replayNames.events);
    const seedSeconds = (performance.now() - seeding) / 1000;
    const started = performance.now();
    const summary = await replayViews({
      readAll: () => replayStore.scanAll(),
      client: viewsDocumentClient(ours),
      viewsTable: replayNames.views,
    });
    const replaySeconds = (performance.now() - started) / 1000;

    const lines = [
      `Event store on DynamoDB Local (${appendsPerRun} appends per run, median of 3 turns)`,
      row('bakehouse, 1 stream', ours1, theirs1),
      row('castore,   1 stream', theirs1),
      row('bakehouse, 16 streams', ours16, theirs16),
      row('castore,   16 streams', theirs16),
      row('bakehouse, 2-event commits', pairs),
      `replay: ${summary.events} events of ${summary.streams} streams into ` +
        `${summary.viewItems} view items in ${replaySeconds.toFixed(1)} s ` +
        `(seeded in ${seedSeconds.toFixed(1)} s)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    ours.destroy();
    theirs.destroy();
    await dynamo.stop();
  }
}

await main();
