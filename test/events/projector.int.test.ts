import {
  DescribeTableCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectorHandler } from '../../functions/projector.ts';
import { startStreamPoller } from '../../local/stream-poller.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { createTables, type TableNames } from '../../shared/events/tables.ts';
import { ViewQueries } from '../../shared/views/queries.ts';
import { replayViews } from '../../shared/views/replay.ts';
import { ViewProjector } from '../../shared/views/view-projector.ts';
import { viewsDocumentClient } from '../../shared/views/views-client.ts';
import { writeScenario } from './scenario.ts';
import { freshStore, localClient } from './support.ts';

describe('the projector', () => {
  let client: DynamoDBClient;
  let store: DynamoDbEventStore;
  let names: TableNames;
  const delivered: DynamoDBRecord[] = [];
  const silent = { error: () => undefined };

  const handlerFor = (viewsTable: string) =>
    projectorHandler(
      new ViewProjector({ store, client: viewsDocumentClient(client), viewsTable }),
      silent,
    );
  const otherViews = async (name: string) => {
    const views = `${names.views}-${name}`;
    await createTables(client, { events: names.events, views });
    return views;
  };
  const dump = async (table: string) => {
    const answer = await client.send(new ScanCommand({ TableName: table }));
    return (answer.Items ?? []).sort((a, b) =>
      `${a.pk?.S}|${a.sk?.S}`.localeCompare(`${b.pk?.S}|${b.sk?.S}`),
    );
  };

  beforeAll(async () => {
    client = localClient();
    ({ store, names } = await freshStore(client, 'projector'));
    const table = await client.send(
      new DescribeTableCommand({ TableName: names.events }),
    );
    const live = handlerFor(names.views);
    const poller = startStreamPoller({
      endpoint: inject('ddbEndpoint'),
      streamArn: table.Table?.LatestStreamArn ?? '',
      handler: async (event: DynamoDBStreamEvent) => {
        delivered.push(...event.Records);
        return live(event);
      },
    });
    await writeScenario(store);
    await poller.drain();
    await poller.stop();
  });
  afterAll(() => client.destroy());

  it('builds the same views live as replay does', async () => {
    const replayed = await otherViews('replayed');

    await replayViews({
      readAll: () => store.scanAll(),
      client: viewsDocumentClient(client),
      viewsTable: replayed,
    });

    const live = await dump(names.views);
    expect(live.length).toBeGreaterThan(10);
    expect(live).toEqual(await dump(replayed));
  });

  it('builds the same views from records repeated and out of order', async () => {
    const shuffled = await otherViews('shuffled');
    const records = [...delivered].reverse();
    const handler = handlerFor(shuffled);

    for (let i = 0; i < records.length; i += 3) {
      await handler({ Records: records.slice(i, i + 3) });
    }
    await handler({ Records: delivered });

    expect(delivered.length).toBeGreaterThan(30);
    expect(await dump(shuffled)).toEqual(await dump(names.views));
  });

  it('shows a build with its jobs, phases, durations and bake, skipping unknown events', async () => {
    const queries = new ViewQueries(viewsDocumentClient(client), names.views);

    const build = await queries.getBuild('01TOOLS');

    expect(build).toMatchObject({
      status: 'success',
      number: 1,
      commitTitle: 'Build 01TOOLS',
    });
    const [job] = build?.jobs ?? [];
    expect(job).toMatchObject({
      status: 'success',
      variables: ['APPVEYOR_BAKE_IMAGE'],
      bake: { status: 'baked', imageName: 'Tools', version: 1, ref: 'ami-tools-1' },
    });
    expect(job?.phases).toMatchObject([
      { phase: 'install', status: 'success', durationMs: 1234, exitCode: 0 },
    ]);
  });

  it('lists projects, and builds of a project newest first', async () => {
    const queries = new ViewQueries(viewsDocumentClient(client), names.views);

    const projects = await queries.listProjects();
    const builds = await queries.listBuilds('acme/app');

    expect(projects.map((p) => [p.repository, p.lastBuildId])).toEqual([
      ['Acme/App', '01SKIP'],
      ['Acme/Tools', '01TOOLS'],
    ]);
    expect(builds.map((b) => [b.buildId, b.status])).toEqual([
      ['01SKIP', 'skipped'],
      ['01BROKEN', 'failed'],
      ['01APP', 'success'],
    ]);
  });

  it('lists images with their current version and traces provenance to a base image', async () => {
    const queries = new ViewQueries(viewsDocumentClient(client), names.views);

    const images = await queries.listImages();
    const app = await queries.getImage('APP');
    const provenance = await queries.getProvenance('app', 1);

    expect(images.map((i) => [i.name, i.currentVersion])).toEqual([
      ['App', 1],
      ['Tools', 1],
    ]);
    expect(app?.versions.map((v) => v.status)).toEqual(['deprecated']);
    expect(provenance?.image).toMatchObject({ buildId: '01APP', commit: 'sha-01APP' });
    expect(provenance?.ancestors.map((a) => [a.name, a.version])).toEqual([['Tools', 1]]);
    expect(provenance?.base).toEqual({ name: 'Ubuntu2204', ref: 'ami-base' });
  });
});
