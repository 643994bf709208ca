import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import {
  type LocalPipelineDeps,
  localPipelineOrchestrator,
} from '../../local/orchestrator.ts';
import { LocalTaskCallbacks } from '../../local/task-callbacks.ts';
import { withRootDevice } from '../../shared/aws/ec2-root-device.ts';
import { runnerTags } from '../../shared/aws/ec2-runner-fleet.ts';
import type { EventStore } from '../../shared/events/store.ts';
import { completePhase } from '../../shared/pipeline/complete-phase.ts';
import type { PipelineDeps } from '../../shared/pipeline/deps.ts';
import { RunnerNotReadyError } from '../../shared/pipeline/errors.ts';
import type { PhaseCommand, PhaseResult } from '../../shared/ports/runner-fleet.ts';
import {
  type MotoNetwork,
  motoEc2,
  motoNetwork,
  motoRunnerFleet,
  motoSsm,
} from '../support/moto.ts';
import {
  buildLines,
  type PipelineTables,
  pipelineDeps,
  pipelineTables,
  requestBuild,
} from './support.ts';

/**
 * How the scripted runner ends a phase. moto runs nothing and reports every
 * command a success, so outcomes are injected here, at the fleet adapter:
 * `not-ready` (SSM does not know the runner), `hang` (no result ever comes);
 * a refused launch is injected the same way.
 */
export type ScriptedOutcome =
  | 'succeeded'
  | 'failed'
  | 'exit-red'
  | 'exit-green'
  | 'appveyor-exit'
  | 'hang'
  | 'not-ready';

/** Decides each phase's outcome from its command. */
export type PhaseScript = (command: PhaseCommand) => ScriptedOutcome;

/**
 * How a launch fails, injected at the fleet adapter: `refused` before EC2
 * starts anything (an unknown AMI), `after-start` once EC2 has started the
 * instance (the Lambda dies, or recording RunnerLaunched fails).
 */
export type LaunchFailure = 'refused' | 'after-start';

/** How the scripted builds run. */
export interface BuildOptions {
  readonly script?: PhaseScript;
  readonly launchFails?: LaunchFailure;
  /** How long each phase runs before its result comes back; default at once. */
  readonly phaseMs?: number;
  /** Acts on the running build before it is awaited. */
  readonly during?: (buildId: string) => Promise<void>;
}

/** What a moto pipeline's tasks use instead of the defaults. */
export interface MotoOverrides
  extends Pick<Partial<PipelineDeps>, 'generatePhaseScript'> {
  /** The event store the tasks use, made from the test's own (default it). */
  readonly events?: (store: EventStore) => EventStore;
}

/**
 * The synthesized definition run by the local orchestrator, with the EC2
 * runner fleet on moto_server (RunInstances, SendCommand, TerminateInstances
 * for real) and the phase results of a scripted runner coming back through
 * completePhase, as the completion Lambda sends them on AWS. Phase scripts
 * are `echo <phase>` unless `generatePhaseScript` is given.
 */
export async function motoPipeline(
  definition: Record<string, unknown>,
  installationMaxJobs = 10,
  overrides: MotoOverrides = {},
) {
  const ec2: EC2Client = motoEc2(inject('motoEndpoint'));
  const network: MotoNetwork = await motoNetwork(ec2, inject('motoEndpoint'));
  const tables: PipelineTables = await pipelineTables('moto-pipeline');
  const fleet = motoRunnerFleet({ ec2, ssm: motoSsm(inject('motoEndpoint')) }, network, {
    installation: 'MotoPipeline',
  });
  let options: BuildOptions = {};
  const callbacks = new LocalTaskCallbacks();
  const hanging: PhaseCommand[] = [];
  const live = new Set<string>();
  let mostLive = 0;
  const configs = new Map<string, string>();
  const { events, ...rest } = overrides;
  const base = pipelineDeps(tables, undefined, {
    settings: { installationMaxJobs, phaseTimeoutSeconds: 600, bakeTimeoutSeconds: 1800 },
    ...rest,
    ...(events && { events: events(tables.store) }),
  });
  const deps: LocalPipelineDeps = {
    ...base,
    callbacks,
    sourceHost: {
      ...base.sourceHost,
      fetchConfig: async (_repository, sha) => {
        const text = configs.get(sha);
        return text === undefined ? undefined : { path: 'appveyor.yml', text };
      },
    },
    resolveImage: withRootDevice(
      async (name) => ({
        image: { name, platform: 'linux', ref: network.imageId, base: true },
        warnings: [],
      }),
      ec2,
    ),
    fleet: {
      launch: async (spec) => {
        if (options.launchFails === 'refused') throw launchRefused();
        const runnerId = await fleet.launch(spec);
        live.add(runnerId);
        mostLive = Math.max(mostLive, live.size);
        if (options.launchFails === 'after-start') throw lostAfterStart();
        return runnerId;
      },
      terminate: async (runnerId) => {
        await fleet.terminate(runnerId);
        live.delete(runnerId);
      },
      renewExpiry: (runnerId, expiresAt) => fleet.renewExpiry(runnerId, expiresAt),
      findRunners: (filter) => fleet.findRunners(filter),
      startPhase: async (command) => {
        const outcome = (options.script ?? (() => 'succeeded'))(command);
        if (outcome === 'not-ready') throw new RunnerNotReadyError(command.runnerId);
        const commandId = await fleet.startPhase(command);
        const finish = () => void completePhase(result(command, outcome), deps);
        if (outcome === 'hang') hanging.push(command);
        else setTimeout(finish, options.phaseMs ?? 0);
        return commandId;
      },
    },
    now: () => new Date(),
  };
  const orchestrator = localPipelineOrchestrator(deps, definition);

  /**
   * The command of a phase left hanging, once SendCommand answered for it:
   * PhaseStarted is recorded before, so waiting for it is not enough.
   */
  async function hangingCommand(buildId: string, jobId: string, phase: string) {
    for (let i = 0; i < 1_200; i++) {
      const command = hanging.find(
        (c) => c.buildId === buildId && c.jobId === jobId && c.phase === phase,
      );
      if (command) return command;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`Phase ${phase} of job ${jobId} is not hanging`);
  }

  /** Requests and starts a build of `config`, each with its own commit. */
  async function start(config: string): Promise<string> {
    const sha = ulid().toLowerCase().padEnd(40, '0');
    configs.set(sha, config);
    const buildId = await requestBuild(tables.store, 'Build me', sha);
    await orchestrator.startBuild(buildId, { buildId });

    return buildId;
  }

  return {
    ec2,
    deps,
    store: tables.store,
    orchestrator,
    /** Runs a build of `config`; `during` acts on it before it is awaited. */
    async build(config: string, buildOptions: BuildOptions = {}) {
      options = buildOptions;
      const buildId = await start(config);
      await options.during?.(buildId);
      await orchestrator.idle();

      return { buildId, lines: await buildLines(tables.store, buildId) };
    },
    /** Runs builds of these configs at once, and waits for them all. */
    async builds(all: readonly string[], buildOptions: BuildOptions = {}) {
      options = buildOptions;
      mostLive = 0;
      const buildIds = await Promise.all(all.map(start));
      await orchestrator.idle();

      return Promise.all(
        buildIds.map(async (buildId) => ({
          buildId,
          lines: await buildLines(tables.store, buildId),
        })),
      );
    },
    /** The most runners alive at once since the last `builds`. */
    mostRunnersAtOnce: () => mostLive,
    /** Ends a phase left hanging, as its runner would report it. */
    async finish(
      buildId: string,
      jobId: string,
      phase: string,
      outcome: ScriptedOutcome,
    ) {
      const command = await hangingCommand(buildId, jobId, phase);

      return completePhase(result(command, outcome), deps);
    },
    /** Resolves once the phase's command was sent and hangs on its runner. */
    async untilHanging(buildId: string, jobId: string, phase: string) {
      await hangingCommand(buildId, jobId, phase);
    },
    /** Resolves once the build has recorded this `buildLines` line. */
    async until(buildId: string, line: string) {
      for (let i = 0; i < 1_200; i++) {
        if ((await buildLines(tables.store, buildId)).includes(line)) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`Build ${buildId} never recorded ${line}`);
    },
    /** The build's runners moto still has pending or running. */
    async running(buildId: string): Promise<string[]> {
      const found = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${runnerTags.build}`, Values: [buildId] },
            { Name: 'instance-state-name', Values: ['pending', 'running'] },
          ],
        }),
      );

      return (found.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .map((i) => i.InstanceId ?? '');
    },
    /** The build's runner ids, in launch order. */
    async runners(buildId: string): Promise<string[]> {
      const found = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: `tag:${runnerTags.build}`, Values: [buildId] }],
        }),
      );

      return (found.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .map((i) => i.InstanceId ?? '');
    },
  };
}

/** What a LaunchRunner Lambda that died after RunInstances answered with. */
function lostAfterStart(): Error {
  const error = new Error('Task timed out after 120.00 seconds');
  error.name = 'Lambda.Unknown';

  return error;
}

/** EC2's refusal of a launch; moto launches from any AMI id, so it is injected. */
function launchRefused(): Error {
  const error = new Error('The image id does not exist');
  error.name = 'InvalidAMIID.NotFound';

  return error;
}

function result(command: PhaseCommand, outcome: ScriptedOutcome): PhaseResult {
  const failed = outcome === 'failed' || outcome === 'exit-red';
  const green = outcome === 'exit-green' || outcome === 'appveyor-exit';

  return {
    buildId: command.buildId,
    jobId: command.jobId,
    phase: command.phase,
    callbackToken: command.callbackToken,
    outcome: failed ? 'failed' : green ? 'exited-green' : 'succeeded',
    ...((outcome === 'exit-red' || outcome === 'exit-green') && { skipFinalizers: true }),
    exitCode: failed ? 1 : 0,
    durationMs: 5,
    variables: {},
    messages: [],
    logPointer: `/bakehouse/phases:${command.runnerId}/${command.phase}`,
  };
}
