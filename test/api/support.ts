import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { artifactFilesRoute } from '../../local/artifacts/files-route.ts';
import { LocalArtifactStore } from '../../local/artifacts/store.ts';
import { LocalExecutionHistory } from '../../local/execution-history.ts';
import { type LocalHttpServer, startHttpServer } from '../../local/http-server.ts';
import { LocalOrchestrator } from '../../local/orchestrator.ts';
import { LocalPhaseLogs } from '../../local/phase-logs.ts';
import { phaseLogFile } from '../../local/runner-fleet/layout.ts';
import { LocalTaskCallbacks } from '../../local/task-callbacks.ts';
import { readApiHandler } from '../../shared/api/read-api.ts';
import {
  buildStream,
  type EventType,
  imageStream,
  newEvent,
  type TypedNewEvent,
} from '../../shared/events/catalogue.ts';
import { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import { ViewQueries } from '../../shared/views/queries.ts';
import { ViewProjector } from '../../shared/views/view-projector.ts';
import { viewsDocumentClient } from '../../shared/views/views-client.ts';
import { freshTables } from '../events/support.ts';

/** The build the fixture leaves running: install done, build_script writing its log. */
export const runningBuild = '01APIRUNNING';

/** A finished build of the same project that baked Tools v2. */
export const bakedBuild = '01APIBAKED';

/** The text the fixture's install phase wrote, with a character of three bytes. */
export const installLog = 'Installing tools…\nDone.\n';

/** The read API served over the real views, projector, event store and local adapters. */
export interface ReadApiFixture {
  readonly server: LocalHttpServer;
  readonly stateDir: string;
  readonly orchestrator: LocalOrchestrator<undefined>;
  /** Appends events to a stream and brings its views up to date. */
  append(streamId: string, events: readonly TypedNewEvent<EventType>[]): Promise<void>;
  /** Moves the store's clock on. */
  advance(ms: number): void;
}

const execution = {
  StartAt: 'LoadConfig',
  States: {
    LoadConfig: { Type: 'Pass', Next: 'RunJobs' },
    RunJobs: {
      Type: 'Map',
      ItemsPath: '$.jobs',
      ItemProcessor: {
        StartAt: 'RunInstall',
        States: { RunInstall: { Type: 'Pass', End: true } },
      },
      End: true,
    },
  },
};

/** Starts the fixture: fresh tables named after `prefix`, a state folder, the server. */
export async function startReadApiFixture(
  client: DynamoDBClient,
  prefix: string,
): Promise<ReadApiFixture> {
  const names = await freshTables(client, prefix);
  let now = Date.parse('2026-12-03T10:00:00.000Z');
  const store = new DynamoDbEventStore({
    client,
    tableName: names.events,
    clock: () => new Date(now),
  });
  const views = viewsDocumentClient(client);
  const projector = new ViewProjector({ store, client: views, viewsTable: names.views });
  const stateDir = await mkdtemp(path.join(tmpdir(), 'bakehouse-api-'));
  const orchestrator = new LocalOrchestrator<undefined>({
    definition: execution,
    tasks: {},
    callbackStates: [],
    deps: undefined,
    callbacks: new LocalTaskCallbacks(),
  });
  const server = await startHttpServer();
  server.mount(
    'GET /api/*',
    readApiHandler({
      views: new ViewQueries(views, names.views),
      history: new LocalExecutionHistory(orchestrator),
      logs: new LocalPhaseLogs(stateDir),
      artifacts: new LocalArtifactStore({ stateDir, baseUrl: () => server.url }),
    }),
  );
  server.mountStream('/artifacts', artifactFilesRoute(stateDir));
  const append: ReadApiFixture['append'] = async (streamId, events) => {
    const expectedVersion = await store.version(streamId);
    await store.commit({ appends: [{ streamId, expectedVersion, events }] });
    await projector.catchUp(streamId, expectedVersion + events.length);
  };
  const fixture = {
    server,
    stateDir,
    orchestrator,
    append,
    advance: (ms: number) => {
      now += ms;
    },
  };
  await writeHistory(fixture);
  await orchestrator.startBuild(runningBuild, { jobs: [{ jobId: '1' }] });
  await orchestrator.idle();

  return fixture;
}

/** Writes the log file the local runner fleet would write for a phase. */
export async function writePhaseLog(
  stateDir: string,
  buildId: string,
  phase: 'install' | 'build_script',
  text: string,
): Promise<string> {
  const file = phaseLogFile(stateDir, buildId, '1', phase);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, { flag: 'a' });

  return file;
}

function requested(buildId: string, sha: string) {
  return newEvent('BuildRequested', {
    buildId,
    repository: 'Acme/Tools',
    sha,
    ref: 'refs/heads/main',
    branch: 'main',
    commit: {
      message: `Tools for ${buildId}\n\nbody`,
      author: { name: 'Ada', email: 'a@x' },
    },
    deliveryId: `delivery-${buildId}`,
    requestedAt: '2026-12-03T10:00:00.000Z',
  });
}

function image(version: number, buildId: string, parentVersion?: number) {
  return newEvent('ImageVersionAdded', {
    name: 'Tools',
    version,
    ref: `snapshots/tools-${version}`,
    platform: 'linux',
    buildId,
    jobId: '1',
    commit: `sha-${buildId}`,
    repository: 'Acme/Tools',
    parent:
      parentVersion === undefined
        ? { name: 'Ubuntu2204', ref: 'base/ubuntu2204' }
        : {
            name: 'Tools',
            version: parentVersion,
            ref: `snapshots/tools-${parentVersion}`,
          },
  });
}

async function writeHistory(fixture: ReadApiFixture): Promise<void> {
  const { append, advance } = fixture;
  await append(imageStream('Tools'), [image(1, '01APIFIRST')]);
  await append(imageStream('Tools'), [
    newEvent('ImageVersionMadeCurrent', { version: 1 }),
  ]);

  const baked = buildStream(bakedBuild);
  await append(baked, [requested(bakedBuild, 'sha-01APIBAKED')]);
  advance(1000);
  await append(baked, [
    newEvent('BuildStarted', { number: 7, version: '1.0.7' }),
    newEvent('RunnerLaunched', {
      jobId: '1',
      runnerId: 'local-r1',
      image: { name: 'Tools', version: 1, ref: 'snapshots/tools-1' },
    }),
  ]);
  advance(65_000);
  await append(baked, [
    newEvent('ImageBaked', {
      jobId: '1',
      imageName: 'Tools',
      version: 2,
      ref: 'snapshots/tools-2',
      parent: { name: 'Tools', version: 1, ref: 'snapshots/tools-1' },
    }),
    newEvent('JobFinished', { jobId: '1', status: 'success', allowedFailure: false }),
    newEvent('BuildFinished', { status: 'success' }),
  ]);
  await append(imageStream('Tools'), [
    image(2, bakedBuild, 1),
    newEvent('ImageVersionMadeCurrent', { version: 2, buildId: bakedBuild }),
  ]);

  advance(1000);
  await appendRunningBuild(fixture, runningBuild);
}

/**
 * Records a build that is running: install done (its log `installLog`),
 * build_script started, its log `compiling`.
 */
export async function appendRunningBuild(
  fixture: ReadApiFixture,
  buildId: string,
): Promise<void> {
  const { append, advance, stateDir } = fixture;
  const running = buildStream(buildId);
  await append(running, [requested(buildId, `sha-${buildId}`)]);
  await append(running, [
    newEvent('ConfigLoaded', {
      configPath: 'appveyor.yml',
      jobs: [{ jobId: '1', name: 'Ubuntu2204', image: 'Tools' }],
      versionFormat: '1.0.{build}',
      warnings: 0,
    }),
    newEvent('BuildStarted', { number: 8, version: '1.0.8' }),
    newEvent('RunnerLaunched', {
      jobId: '1',
      runnerId: 'local-r2',
      image: { name: 'Tools', version: 2, ref: 'snapshots/tools-2' },
    }),
    newEvent('PhaseStarted', { jobId: '1', phase: 'install' }),
  ]);
  const logPointer = await writePhaseLog(stateDir, buildId, 'install', installLog);
  advance(2500);
  await append(running, [
    newEvent('PhaseFinished', {
      jobId: '1',
      phase: 'install',
      outcome: 'success',
      exitCode: 0,
      durationMs: 2500,
      logPointer,
    }),
    newEvent('PhaseStarted', { jobId: '1', phase: 'build_script' }),
  ]);
  await writePhaseLog(stateDir, buildId, 'build_script', 'compiling\n');
}
