/**
 * Turns script sections into the phases of a job, in AppVeyor's order, each
 * command with its shell for the job's platform: a plain line is cmd on
 * Windows and bash elsewhere; `cmd:` runs on Windows only, `sh:` everywhere
 * but Windows; `ps:` and `pwsh:` run on every platform.
 */
import type { Config, RawCommand } from './config.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import type { PhaseName, PhasePlan, Platform, ScriptCommand, Shell } from './plan.ts';

/** Every phase, in the order AppVeyor runs them. */
export const phaseOrder: readonly PhaseName[] = [
  'init',
  'clone',
  'install',
  'before_build',
  'build_script',
  'after_build',
  'before_test',
  'test_script',
  'after_test',
  'before_deploy',
  'deploy_script',
  'after_deploy',
  'on_success',
  'on_failure',
  'on_image_bake',
  'on_finish',
];

const deployPhases: ReadonlySet<PhaseName> = new Set([
  'before_deploy',
  'deploy_script',
  'after_deploy',
]);

const accessHook = /enable-(rdp\.ps1|ssh\.sh)/i;

/** How the phases of one job are planned. */
export interface PhaseOptions {
  readonly platform: Platform;
  /** Pull-request builds skip the deploy phases, as AppVeyor does by default. */
  readonly pullRequest: boolean;
  /** APPVEYOR_YML_DISABLE_PS_LINUX: `ps:` lines are skipped on Linux. */
  readonly disablePsOnLinux: boolean;
}

/** The shell a command runs in on the platform, or undefined when it is skipped there. */
export function shellFor(command: RawCommand, options: PhaseOptions): Shell | undefined {
  const windows = options.platform === 'windows';
  switch (command.form) {
    case 'plain':
      return windows ? 'cmd' : 'bash';
    case 'cmd':
      return windows ? 'cmd' : undefined;
    case 'sh':
      return windows ? undefined : 'sh';
    case 'ps':
      return options.platform === 'linux' && options.disablePsOnLinux ? undefined : 'ps';
    case 'pwsh':
      return 'pwsh';
  }
}

/** The phases of a job with at least one command, in AppVeyor's order. */
export function planPhases(
  scripts: Config['scripts'],
  options: PhaseOptions,
  sink: DiagnosticSink,
): PhasePlan[] {
  const phases: PhasePlan[] = [];
  for (const name of phaseOrder) {
    if (options.pullRequest && deployPhases.has(name)) continue;
    const commands: ScriptCommand[] = [];
    for (const command of scripts[name] ?? []) {
      const shell = shellFor(command, options);
      if (shell === undefined) continue;
      if (accessHook.test(command.script)) {
        const alone = !command.script.trim().includes('\n');
        const note = alone ? 'the line is skipped' : 'the script runs without it';
        sink.skip(
          `RDP/SSH access hooks are not run by Bakehouse; ${note}`,
          command,
          name,
        );
        if (alone) continue;
      }
      const { script, line, column } = command;
      commands.push({ shell, script, line, column });
    }
    if (commands.length > 0) phases.push({ name, commands });
  }

  return phases;
}
