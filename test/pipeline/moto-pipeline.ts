import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { inject } from 'vitest';
import {
  type LocalPipelineDeps,
  localPipelineOrchestrator,
} from '../../local/orchestrator.ts';
import { LocalTaskCallbacks } from '../../local/task-callbacks.ts';
import { Ec2RunnerFleet, runnerTags } from '../../shared/aws/ec2-runner-fleet.ts';
import { completePhase } from '../../shared/pipeline/complete-phase.ts';
import type { PipelineDeps } from '../../shared/pipeline/deps.ts';
import { RunnerNotReadyError } from '../../shared/pipeline/errors.ts';
import type { PhaseCommand, PhaseResult } from '../../shared/ports/runner-fleet.ts';
import { type MotoNetwork, motoEc2, motoNetwork, motoSsm } from '../support/moto.ts';
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
 * The synthesized definition run by the local orchestrator, with the EC2
 * runner fleet on moto_server (RunInstances, SendCommand, TerminateInstances
 * for real) and the phase results of a scripted runner coming back through
 * completePhase, as the completion Lambda sends them on AWS. Phase scripts
 * are `echo <phase>` unless `generatePhaseScript` is given.
 */
export async function motoPipeline(
  definition: Record<string, unknown>,
  installationMaxJobs = 10,
  overrides: Pick<Partial<PipelineDeps>, 'generatePhaseScript'> = {},
) {
  const ec2: EC2Client = motoEc2(inject('motoEndpoint'));
  const network: MotoNetwork = await motoNetwork(ec2, inject('motoEndpoint'));
  const tables: PipelineTables = await pipelineTables('moto-pipeline');
  const fleet = new Ec2RunnerFleet({
    ec2,
    ssm: motoSsm(inject('motoEndpoint')),
    subnetIds: [network.subnetId],
    securityGroupId: network.securityGroupId,
    instanceProfileArn: network.instanceProfileArn,
    kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
    instanceTypes: { linux: 'm7i.large', windows: 'm7i.xlarge' },
    rootVolumeGiB: { linux: 30, windows: 60 },
    logGroupName: '/bakehouse/phases',
    installation: 'MotoPipeline',
  });
  let script: PhaseScript = () => 'succeeded';
  let launchFails = false;
  const callbacks = new LocalTaskCallbacks();
  const hanging: PhaseCommand[] = [];
  const base = pipelineDeps(tables, undefined, {
    settings: { installationMaxJobs, phaseTimeoutSeconds: 600 },
    ...overrides,
  });
  const deps: LocalPipelineDeps = {
    ...base,
    callbacks,
    resolveImage: async (name) => ({
      image: { name, platform: 'linux', ref: network.imageId, base: true },
      warnings: [],
    }),
    fleet: {
      launch: async (spec) => {
        if (launchFails) throw launchRefused();
        return fleet.launch(spec);
      },
      terminate: (runnerId) => fleet.terminate(runnerId),
      startPhase: async (command) => {
        const outcome = script(command);
        if (outcome === 'not-ready') throw new RunnerNotReadyError(command.runnerId);
        await fleet.startPhase(command);
        if (outcome === 'hang') hanging.push(command);
        else setImmediate(() => void completePhase(result(command, outcome), deps));
      },
    },
    now: () => new Date(),
  };
  const orchestrator = localPipelineOrchestrator(deps, definition);

  return {
    ec2,
    deps,
    store: tables.store,
    orchestrator,
    /** Runs a build of `config`; `during` acts on it before it is awaited. */
    async build(
      config: string,
      options: {
        script?: PhaseScript;
        launchFails?: boolean;
        during?: (buildId: string) => Promise<void>;
      } = {},
    ) {
      script = options.script ?? (() => 'succeeded');
      launchFails = options.launchFails ?? false;
      deps.sourceHost.fetchConfig = async () => ({ path: 'appveyor.yml', text: config });
      const buildId = await requestBuild(tables.store);
      await orchestrator.startBuild(buildId, { buildId });
      await options.during?.(buildId);
      await orchestrator.idle();

      return { buildId, lines: await buildLines(tables.store, buildId) };
    },
    /** Ends a phase left hanging, as its runner would report it. */
    async finish(
      buildId: string,
      jobId: string,
      phase: string,
      outcome: ScriptedOutcome,
    ) {
      // PhaseStarted is recorded before SendCommand answers: wait for the command.
      for (let i = 0; i < 1_200; i++) {
        const command = hanging.find(
          (c) => c.buildId === buildId && c.jobId === jobId && c.phase === phase,
        );
        if (command) return completePhase(result(command, outcome), deps);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`Phase ${phase} of job ${jobId} is not hanging`);
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
