import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ulid } from 'ulid';
import type {
  FleetRunner,
  PhaseCommand,
  PhaseResult,
  ResolvedImage,
  RunnerFilter,
  RunnerFleet,
  RunnerSpec,
} from '../../shared/ports/runner-fleet.ts';
import { ImageNotRunnableLocallyError, LocalRunnerError } from './errors.ts';
import { phaseLogFile, RunnerLayout } from './layout.ts';
import {
  killProcessGroup,
  type RunningPhase,
  startPhaseProcess,
} from './phase-process.ts';
import { killRunnerProcesses } from './runner-processes.ts';

/** Fills a new runner's folder from a custom image (the local image store). */
export type MaterializeImage = (
  image: ResolvedImage,
  runnerFolder: string,
) => Promise<void>;

/** How the local fleet is set up. */
export interface LocalRunnerFleetOptions {
  /** The state folder; runners live in its `runners/`, phase logs in its `logs/`. */
  readonly stateFolder: string;
  /** Receives every phase's result; the embedded mode passes `completePhase`. */
  readonly onPhaseFinished: (result: PhaseResult) => Promise<void>;
  /** Materializes custom images; without it, only base images launch. */
  readonly materializeImage?: MaterializeImage;
  /** PATH of the runner processes, after the runner's `tools/bin`; default: this process's. */
  readonly path?: string;
  /** Where a failed completion callback is reported; default: console.error. */
  readonly onCallbackError?: (error: unknown, result: PhaseResult) => void;
}

interface LocalRunner {
  readonly buildId: string;
  readonly jobId: string;
  readonly layout: RunnerLayout;
  readonly processGroups: Set<number>;
  running?: RunningPhase;
}

/**
 * The local runner fleet: a runner is a folder under the state folder and
 * each phase one bash process. Commands run with the rights of the user who
 * started Bakehouse, isolated by nothing but their HOME and working folder.
 * Windows and macOS images are refused: they cannot run on this machine.
 */
export class LocalRunnerFleet implements RunnerFleet {
  private readonly runners = new Map<string, LocalRunner>();
  private readonly deliveries = new Set<Promise<void>>();

  constructor(private readonly options: LocalRunnerFleetOptions) {}

  async launch(spec: RunnerSpec): Promise<string> {
    const { image } = spec;
    if (image.platform !== 'linux') {
      const os = image.platform === 'windows' ? 'Windows' : 'macOS';
      throw new ImageNotRunnableLocallyError(
        `Image '${image.name}' of job ${spec.jobId} in build ${spec.buildId} is a ${os} ` +
          `image: ${os} runners cannot run locally, only Linux images can.`,
      );
    }
    const runnerId = `local-${ulid().toLowerCase()}`;
    const layout = new RunnerLayout(this.options.stateFolder, runnerId);
    try {
      for (const folder of [
        layout.home,
        layout.projects,
        join(layout.tools, 'bin'),
        layout.state,
      ]) {
        mkdirSync(folder, { recursive: true });
      }
      if (!image.base) await this.materialize(image, layout);
      const link = join(layout.home, 'projects');
      if (!existsSync(link)) symlinkSync('../projects', link);
    } catch (error) {
      // A runner that did not start leaves no folder behind.
      rmSync(layout.folder, { recursive: true, force: true });
      throw error;
    }
    this.runners.set(runnerId, {
      buildId: spec.buildId,
      jobId: spec.jobId,
      layout,
      processGroups: new Set(),
    });

    return runnerId;
  }

  async findRunners(filter: RunnerFilter): Promise<FleetRunner[]> {
    return [...this.runners]
      .filter(([, r]) => r.buildId === filter.buildId)
      .filter(([, r]) => filter.jobId === undefined || r.jobId === filter.jobId)
      .map(([runnerId, r]) => ({ runnerId, buildId: r.buildId, jobId: r.jobId }));
  }

  /** Local runners have no reaper: they end with their job or with the backend. */
  async renewExpiry(_runnerId: string, _expiresAt: string): Promise<void> {}

  async startPhase(command: PhaseCommand): Promise<string> {
    const runner = this.runners.get(command.runnerId);
    const logFile = phaseLogFile(
      this.options.stateFolder,
      command.buildId,
      command.jobId,
      command.phase,
    );
    const commandId = `${command.runnerId}/${command.phase}/${ulid().toLowerCase()}`;
    if (!runner) {
      this.deliver(lostResult(command, logFile));
      return commandId;
    }
    if (command.shell !== 'bash') {
      throw new LocalRunnerError(`Runner ${command.runnerId} runs bash scripts only.`);
    }
    if (runner.running) {
      throw new LocalRunnerError(
        `Runner ${command.runnerId} is still running a phase; ${command.phase} cannot start.`,
      );
    }
    const path = this.options.path ?? process.env.PATH ?? '/usr/bin:/bin';
    const running = startPhaseProcess(runner.layout, command, logFile, path);
    runner.running = running;
    runner.processGroups.add(running.processGroup);
    const delivery = running.finished.then((result) => {
      runner.running = undefined;
      return this.options.onPhaseFinished(result).catch((error: unknown) => {
        (this.options.onCallbackError ?? console.error)(error, result);
      });
    });
    this.track(delivery);

    return commandId;
  }

  async terminate(runnerId: string, reason: string): Promise<void> {
    const runner = this.runners.get(runnerId);
    if (!runner) return;
    this.runners.delete(runnerId);
    const running = runner.running;
    if (running) {
      running.kill(reason);
      await running.finished;
    }
    for (const group of runner.processGroups) killProcessGroup(group);
    killRunnerProcesses(runner.layout.folder);
    // A bake captured the runner before TerminateRunner: nothing is kept.
    rmSync(runner.layout.folder, { recursive: true, force: true });
  }

  /** The folder of a runner, running or not. */
  runnerFolder(runnerId: string): string {
    return new RunnerLayout(this.options.stateFolder, runnerId).folder;
  }

  /** The ids of the runners not yet terminated. */
  runnerIds(): string[] {
    return [...this.runners.keys()];
  }

  /** The process groups of the phases running now. */
  runningProcessGroups(): number[] {
    return [...this.runners.values()].flatMap((r) =>
      r.running ? [r.running.processGroup] : [],
    );
  }

  /** Resolves when every finished phase has been handed to the callback. */
  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all(this.deliveries);
  }

  /** Terminates every runner (the embedded mode's shutdown). */
  async terminateAll(reason: string): Promise<void> {
    await Promise.all(this.runnerIds().map((id) => this.terminate(id, reason)));
  }

  private async materialize(image: ResolvedImage, layout: RunnerLayout): Promise<void> {
    if (!this.options.materializeImage) {
      throw new LocalRunnerError(
        `Custom image '${image.name}' cannot be launched: no local image store is configured.`,
      );
    }
    await this.options.materializeImage(image, layout.folder);
  }

  private deliver(result: PhaseResult): void {
    const delivery = Promise.resolve()
      .then(() => this.options.onPhaseFinished(result))
      .catch((error: unknown) =>
        (this.options.onCallbackError ?? console.error)(error, result),
      );
    this.track(delivery);
  }

  private track(delivery: Promise<void>): void {
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }
}

function lostResult(command: PhaseCommand, logFile: string): PhaseResult {
  return {
    buildId: command.buildId,
    jobId: command.jobId,
    phase: command.phase,
    callbackToken: command.callbackToken,
    outcome: 'runner-lost',
    exitCode: 137,
    durationMs: 0,
    variables: {},
    messages: [],
    logPointer: logFile,
  };
}
