import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { LocalArtifactStore } from '../../local/artifacts/store.ts';
import { GitSourceHost } from '../../local/git-source-host.ts';
import { LocalImages } from '../../local/local-images.ts';
import { localPipelineOrchestrator } from '../../local/orchestrator.ts';
import { LocalRunnerFleet } from '../../local/runner-fleet/fleet.ts';
import { LocalTaskCallbacks } from '../../local/task-callbacks.ts';
import { DynamoDbJobSlots } from '../../shared/aws/dynamodb-job-slots.ts';
import {
  createPipelineTable,
  DynamoDbWaitingPhases,
} from '../../shared/aws/pipeline-table.ts';
import { allocateBuildNumber } from '../../shared/builds/build-numbers.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildStream } from '../../shared/events/catalogue/streams.ts';
import { newEvent } from '../../shared/events/catalogue.ts';
import type { StoredEvent } from '../../shared/events/store.ts';
import { defaultCatalog, defaultImageSettings } from '../../shared/images/catalog.ts';
import { knownPlatform } from '../../shared/images/custom-platform.ts';
import { resolveImage } from '../../shared/images/resolve.ts';
import { completePhase, type PipelineDeps } from '../../shared/pipeline/index.ts';
import { phaseScriptGenerator } from '../../shared/pipeline/phase-scripts.ts';
import { noKeyDecryption } from '../../shared/runners/decryption.ts';
import { freshStore, localClient } from '../events/support.ts';
import { processGroupMembers } from './processes.ts';

const repository = 'acme/widget';
const identity = ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com'];

/** The synthesized definition, built once per test file (it takes seconds). */
let definition: Record<string, unknown> | undefined;

/**
 * The local pipeline, as the embedded mode runs it: DynamoDB Local, a git
 * repository on disk, the local runner fleet running the generated bash
 * scripts, and the synthesized definition in the local orchestrator.
 */
export async function localPipeline(settings: { phaseTimeoutSeconds: number }) {
  const root = mkdtempSync(join(tmpdir(), 'bakehouse-e2e-'));
  const origin = join(root, 'origin');
  const stateFolder = join(root, 'state');
  const client = localClient();
  const { store } = await freshStore(client, 'e2e');
  const pipelineTableName = `e2e-pipeline-${ulid().toLowerCase()}`;
  await createPipelineTable(client, pipelineTableName);
  const callbacks = new LocalTaskCallbacks();
  const images = new LocalImages({ stateDir: stateFolder, events: store });
  const processGroups = new Set<number>();
  const fleet = new LocalRunnerFleet({
    stateFolder,
    onPhaseFinished: (result) => completePhase(result, deps),
  });
  const deps: PipelineDeps & { callbacks: LocalTaskCallbacks } = {
    events: store,
    sourceHost: new GitSourceHost(() => origin),
    planBuild: (text, trigger) => planBuild(text, trigger),
    imagePlatform: (name) => knownPlatform(images.registry, defaultCatalog, name),
    allocateBuildNumber: (repo, buildId) => allocateBuildNumber(store, repo, buildId),
    resolveImage: (name) =>
      resolveImage(name, {
        loadImage: async () => undefined,
        baseImages: { resolve: async () => '' },
        settings: { defaultImage: 'Ubuntu2204', catalog: defaultCatalog },
      }),
    fleet: {
      launch: (spec) => fleet.launch(spec),
      terminate: (runnerId, reason) => fleet.terminate(runnerId, reason),
      renewExpiry: (runnerId, expiresAt) => fleet.renewExpiry(runnerId, expiresAt),
      findRunners: (filter) => fleet.findRunners(filter),
      startPhase: async (command) => {
        const commandId = await fleet.startPhase(command);
        for (const group of fleet.runningProcessGroups()) processGroups.add(group);
        return commandId;
      },
    },
    callbacks,
    slots: new DynamoDbJobSlots(client, pipelineTableName),
    waiting: new DynamoDbWaitingPhases(client, pipelineTableName),
    generatePhaseScript: phaseScriptGenerator({
      repositoryUrl: () => origin,
      repositoryProvider: 'git',
      decryption: noKeyDecryption,
    }),
    // No server here: tests read the artifacts from the state folder itself.
    artifacts: new LocalArtifactStore({
      stateDir: stateFolder,
      baseUrl: () => 'http://127.0.0.1:9',
    }),
    settings: { installationMaxJobs: 4, bakeTimeoutSeconds: 60, ...settings },
    bake: {
      registry: images.registry,
      store: images.store,
      settings: defaultImageSettings,
    },
    log: { info: () => undefined, warn: () => undefined },
    now: () => new Date(),
  };
  definition ??= (await import('../../infra/definition.ts')).synthesizeDefinition();
  const orchestrator = localPipelineOrchestrator(deps, definition);

  /**
   * Commits an appveyor.yml to the repository and runs a build of that
   * commit; `during` acts on the running build before it is awaited.
   */
  async function build(
    config: string,
    during?: (buildId: string) => Promise<void>,
  ): Promise<{ buildId: string; events: StoredEvent[]; elapsedMs: number }> {
    const started = Date.now();
    const sha = commit(origin, config);
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
              ref: 'refs/heads/main',
              branch: 'main',
              commit: {
                message: 'Build me',
                author: { name: 'Ada', email: 'ada@example.com' },
              },
              deliveryId: `delivery-${buildId}`,
              requestedAt: new Date().toISOString(),
            }),
          ],
        },
      ],
    });
    await orchestrator.startBuild(buildId, { buildId, repository, sha });
    await during?.(buildId);
    await orchestrator.idle();
    await fleet.idle();
    const elapsedMs = Date.now() - started;

    return { buildId, events: await store.read(buildStream(buildId)), elapsedMs };
  }

  /** Resolves once the build has recorded an event of this `eventLines` form. */
  async function until(buildId: string, line: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (eventLines(await store.read(buildStream(buildId))).includes(line)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`Build ${buildId} never recorded ${line}`);
  }

  return {
    build,
    until,
    fleet,
    orchestrator,
    /** The state folder, whose `artifacts/` holds what builds pushed. */
    stateFolder,
    /** Runner folders left under the state folder. */
    runnerFolders: () => readdirSafe(join(stateFolder, 'runners')),
    /** Processes still alive in any phase's process group. */
    leftProcesses: () => [...processGroups].flatMap(processGroupMembers),
    async close() {
      await fleet.terminateAll('test over');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function commit(origin: string, config: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', origin, ...args], { encoding: 'utf8' }).trim();
  mkdirSync(origin, { recursive: true });
  if (!existsSync(join(origin, '.git'))) git('init', '-q', '-b', 'main');
  writeFileSync(join(origin, 'appveyor.yml'), config);
  git('add', '.');
  git(...identity, 'commit', '-q', '--allow-empty', '-m', 'Build me');

  return git('rev-parse', 'HEAD');
}

function readdirSafe(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/** The events of a build, as `Type` or `Type:jobId:phase:outcome` lines for reading. */
export function eventLines(events: readonly StoredEvent[]): string[] {
  return events.map((event) => {
    const data = event.data as Record<string, unknown>;
    const parts = [event.type, data.jobId, data.phase, data.outcome ?? data.status];

    return parts.filter((part) => part !== undefined).join(':');
  });
}

/** The events of one job, in order, without the job id: `PhaseFinished:install:failed`. */
export function jobLines(events: readonly StoredEvent[], jobId: string): string[] {
  return eventLines(events)
    .filter((line) => line.split(':')[1] === jobId)
    .map((line) =>
      line
        .split(':')
        .filter((_, i) => i !== 1)
        .join(':'),
    );
}
