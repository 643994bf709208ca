import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { LocalImages } from '../../local/local-images.ts';
import { DynamoDbJobSlots } from '../../shared/aws/dynamodb-job-slots.ts';
import {
  createPipelineTable,
  DynamoDbWaitingPhases,
} from '../../shared/aws/pipeline-table.ts';
import { allocateBuildNumber } from '../../shared/builds/build-numbers.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import type { EventStore } from '../../shared/events/store.ts';
import { defaultImageSettings } from '../../shared/images/catalog.ts';
import { imageKey } from '../../shared/images/names.ts';
import type { PipelineDeps } from '../../shared/pipeline/deps.ts';
import type { RunnerFleet, TaskCallbacks } from '../../shared/ports/runner-fleet.ts';
import { freshStore, localClient } from '../events/support.ts';
import { eventLines } from '../local/pipeline-harness.ts';

/** The repository every test build comes from. */
export const repository = 'acme/widget';

/** Task callbacks that remember what they were told. */
export class RecordingCallbacks implements TaskCallbacks {
  readonly calls: { token: string; error?: string; cause?: string; output?: unknown }[] =
    [];

  async succeed(token: string, output: Readonly<Record<string, unknown>>): Promise<void> {
    this.calls.push({ token, output });
  }

  async fail(token: string, error: string, cause: string): Promise<void> {
    this.calls.push({ token, error, cause });
  }
}

/**
 * A runner fleet that launches `i-0123`, sends every phase as command
 * `command-1`, finds no runner and ends any; `overrides` replaces any of it.
 */
export function stubFleet(overrides: Partial<RunnerFleet> = {}): RunnerFleet {
  return {
    launch: async () => 'i-0123',
    startPhase: async () => 'command-1',
    renewExpiry: async () => undefined,
    terminate: async () => undefined,
    findRunners: async () => [],
    ...overrides,
  };
}

/** The tables of one test file on DynamoDB Local: events and pipeline. */
export interface PipelineTables {
  readonly client: DynamoDBClient;
  readonly store: DynamoDbEventStore;
  readonly eventsTable: string;
  readonly pipelineTable: string;
}

/** Fresh events and pipeline tables, named after the test file's prefix. */
export async function pipelineTables(prefix: string): Promise<PipelineTables> {
  const client = localClient();
  const { store, names } = await freshStore(client, prefix);
  const pipelineTable = `${prefix}-pipeline-${ulid().toLowerCase()}`;
  await createPipelineTable(client, pipelineTable);

  return { client, store, eventsTable: names.events, pipelineTable };
}

/** Deps for the tasks on the tables, the config given, and recording callbacks. */
export function pipelineDeps(
  tables: PipelineTables,
  config: string | undefined,
  overrides: Partial<PipelineDeps> = {},
): PipelineDeps & { callbacks: RecordingCallbacks } {
  const callbacks = new RecordingCallbacks();
  const images = new LocalImages({
    stateDir: mkdtempSync(join(tmpdir(), 'bakehouse-pipeline-')),
    events: tables.store,
  });

  return {
    events: tables.store,
    sourceHost: {
      fetchConfig: async () =>
        config === undefined ? undefined : { path: 'appveyor.yml', text: config },
      pullRequestFiles: async () => [],
      hasOpenPullRequest: async () => false,
    },
    planBuild: (text, trigger, platforms) =>
      planBuild(text, trigger, {
        defaultImage: 'Ubuntu2204',
        imagePlatform: (name) => platforms?.[imageKey(name)],
      }),
    imagePlatform: async () => undefined,
    allocateBuildNumber: (repo, buildId) =>
      allocateBuildNumber(tables.store, repo, buildId),
    resolveImage: async (name) => ({
      image: { name, platform: 'linux', ref: 'ami-0123', base: true },
      warnings: [],
    }),
    fleet: stubFleet(),
    callbacks,
    slots: new DynamoDbJobSlots(tables.client, tables.pipelineTable),
    waiting: new DynamoDbWaitingPhases(tables.client, tables.pipelineTable),
    generatePhaseScript: async (request) => ({
      shell: 'bash',
      script: `echo ${request.phase}`,
    }),
    artifacts: {
      uploadTarget: async (buildId, jobId) => ({
        kind: 'folder',
        folder: `/tmp/bakehouse-pipeline-artifacts/${buildId}/${jobId}`,
      }),
      downloadUrl: async (key) => ({ url: `http://artifacts.invalid/${key}` }),
    },
    settings: {
      installationMaxJobs: 10,
      phaseTimeoutSeconds: 600,
      bakeTimeoutSeconds: 1800,
    },
    bake: {
      registry: images.registry,
      store: images.store,
      settings: defaultImageSettings,
    },
    log: { info: () => undefined, warn: () => undefined },
    now: () => new Date('2026-12-03T12:00:00.000Z'),
    ...overrides,
  } as PipelineDeps & { callbacks: RecordingCallbacks };
}

/** A pull request a test build comes from. */
export interface RequestedPullRequest {
  readonly number: number;
  readonly fromFork: boolean;
}

/**
 * Records a BuildRequested for a push to main (or, given `pullRequest`, a
 * pull request into it); returns the new build id.
 */
export async function requestBuild(
  store: DynamoDbEventStore,
  message = 'Build me',
  sha = 'a'.repeat(40),
  pullRequest?: RequestedPullRequest,
) {
  const buildId = ulid();
  await store.commit({
    appends: [
      {
        streamId: buildStream(buildId),
        expectedVersion: 0,
        events: [
          newEvent('BuildRequested', {
            buildId,
            repository,
            sha,
            ref: pullRequest
              ? `refs/pull/${pullRequest.number}/merge`
              : 'refs/heads/main',
            branch: 'main',
            ...(pullRequest && {
              pullRequest: {
                ...pullRequest,
                headSha: 'b'.repeat(40),
                headBranch: 'topic',
              },
            }),
            commit: { message, author: { name: 'Ada', email: 'ada@example.com' } },
            changedFiles: ['src/app.js'],
            deliveryId: `delivery-${buildId}`,
            requestedAt: '2026-12-03T12:00:00.000Z',
          }),
        ],
      },
    ],
  });

  return buildId;
}

/** The build's events as `Type` or `Type:jobId:phase:outcome` lines. */
export async function buildLines(store: DynamoDbEventStore, buildId: string) {
  return eventLines(await store.read(buildStream(buildId)));
}

/**
 * The store with its first `writers` commits held until all of them arrive,
 * so commands started together have all read the build before any of them
 * records: the race a tester finds by sending them at once, made certain.
 */
export function racingStore(store: DynamoDbEventStore, writers: number): EventStore {
  let arrived = 0;
  let release: () => void = () => undefined;
  const together = new Promise<void>((resolve) => {
    release = resolve;
  });

  return {
    read: (streamId, fromVersion) => store.read(streamId, fromVersion),
    commit: async (commit) => {
      arrived += 1;
      if (arrived <= writers) {
        if (arrived === writers) release();
        await together;
      }

      return store.commit(commit);
    },
  };
}
