import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbJobSlots } from '../shared/aws/dynamodb-job-slots.ts';
import { DynamoDbWaitingPhases } from '../shared/aws/pipeline-table.ts';
import { allocateBuildNumber } from '../shared/builds/build-numbers.ts';
import { planBuild } from '../shared/config/planner.ts';
import type { DynamoDbEventStore } from '../shared/events/dynamodb-event-store.ts';
import {
  type CatalogEntry,
  defaultImageSettings,
  type ImageSettings,
  withCatalogEntries,
} from '../shared/images/catalog.ts';
import { knownPlatform } from '../shared/images/custom-platform.ts';
import { imageKey } from '../shared/images/names.ts';
import { resolveImage } from '../shared/images/resolve.ts';
import {
  callbackStateNames,
  completePhase,
  type PipelineDeps,
  type PipelineTask,
  pipelineTasks,
} from '../shared/pipeline/index.ts';
import { phaseScriptGenerator } from '../shared/pipeline/phase-scripts.ts';
import { localDecryption } from '../shared/secrets/runner-decryption.ts';
import { LocalArtifactStore } from './artifacts/store.ts';
import { GitSourceHost } from './git-source-host.ts';
import { localBaseImages } from './image-store/base-images.ts';
import { LocalImages } from './local-images.ts';
import { localRepositoryFolder } from './local-repositories.ts';
import { recordInterruptedBuilds } from './recovery.ts';
import { LocalRunnerFleet } from './runner-fleet/fleet.ts';
import { LocalTaskCallbacks } from './task-callbacks.ts';

/** What the local pipeline is built from. */
export interface LocalPipelineOptions {
  readonly stateDir: string;
  readonly client: DynamoDBClient;
  readonly events: DynamoDbEventStore;
  readonly pipelineTable: string;
  readonly logger: Logger;
  /** How long a phase may run locally. Default 600 s. */
  readonly phaseTimeoutSeconds?: number;
  /** PATH of the runners' phases; default this process's PATH. */
  readonly runnerPath?: string;
  /** The backend's URL, which serves the artifacts under `/artifacts/`. */
  readonly url: string;
  /** Base images laid over the catalog out of the box. Default none. */
  readonly baseImages?: readonly CatalogEntry[];
}

/** The pipeline's tasks and their local dependencies, ready for the orchestrator. */
export interface LocalPipeline {
  readonly deps: PipelineDeps;
  readonly tasks: Readonly<Record<string, PipelineTask>>;
  readonly callbackStates: readonly string[];
  readonly callbacks: LocalTaskCallbacks;
  readonly fleet: LocalRunnerFleet;
  readonly images: LocalImages;
  /** Where the source host finds a repository: `repositories/<owner>/<repo>`. */
  repositoryFolder(repository: string): string;
  /** Records builds an earlier backend left running as interrupted; returns how many. */
  recoverInterrupted(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Wires the pipeline's ports to the local world: git repositories on disk,
 * the local runner fleet, local image snapshots, artifacts in the state
 * folder, DynamoDB Local for events, job slots and waiting phases, and
 * callbacks that end local waiting states.
 */
export function localPipeline(options: LocalPipelineOptions): LocalPipeline {
  const { stateDir, client, events, logger } = options;
  const repositoryFolder = (repository: string): string =>
    localRepositoryFolder(stateDir, repository);
  const callbacks = new LocalTaskCallbacks();
  const images = new LocalImages({ stateDir, events });
  const settings: ImageSettings = {
    ...defaultImageSettings,
    catalog: withCatalogEntries(defaultImageSettings.catalog, options.baseImages ?? []),
  };
  const plan: PipelineDeps['planBuild'] = (text, trigger, platforms) =>
    planBuild(text, trigger, {
      defaultImage: settings.defaultImage,
      imagePlatform: (name) => platforms?.[imageKey(name)],
    });

  let deps: PipelineDeps | undefined;
  const fleet = new LocalRunnerFleet({
    stateFolder: stateDir,
    path: options.runnerPath,
    onPhaseFinished: async (result) => {
      if (deps) await completePhase(result, deps);
    },
    materializeImage: (image, folder) => images.materialize(image, folder),
    onCallbackError: (error, result) =>
      logger.error('phase result not delivered', {
        buildId: result.buildId,
        jobId: result.jobId,
        phase: result.phase,
        error,
      }),
  });
  deps = {
    events,
    sourceHost: new GitSourceHost(repositoryFolder),
    planBuild: plan,
    imagePlatform: (name) => knownPlatform(images.registry, settings.catalog, name),
    allocateBuildNumber: (repository, buildId) =>
      allocateBuildNumber(events, repository, buildId),
    resolveImage: (name) =>
      resolveImage(name, {
        loadImage: (n) => images.registry.load(n),
        baseImages: localBaseImages,
        settings,
      }),
    fleet,
    callbacks,
    slots: new DynamoDbJobSlots(client, options.pipelineTable),
    waiting: new DynamoDbWaitingPhases(client, options.pipelineTable),
    generatePhaseScript: phaseScriptGenerator({
      repositoryUrl: repositoryFolder,
      repositoryProvider: 'git',
      decryption: localDecryption(stateDir),
    }),
    artifacts: new LocalArtifactStore({ stateDir, baseUrl: () => options.url }),
    settings: {
      installationMaxJobs: 4,
      phaseTimeoutSeconds: options.phaseTimeoutSeconds ?? 600,
      bakeTimeoutSeconds: 600,
    },
    bake: {
      registry: images.registry,
      store: images.store,
      settings,
    },
    log: logger,
    now: () => new Date(),
  };
  const ready = deps;

  return {
    deps: ready,
    tasks: pipelineTasks,
    callbackStates: callbackStateNames,
    callbacks,
    fleet,
    images,
    repositoryFolder,
    recoverInterrupted: () => recordInterruptedBuilds(events, stateDir, logger),
    stop: () => fleet.terminateAll('the embedded backend stopped'),
  };
}
