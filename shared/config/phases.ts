/**
 * Turns script sections into the phases of a job, in AppVeyor's order, each
 * command with its shell for the job's platform: a plain line is cmd on
 * Windows and bash elsewhere; `cmd:` runs on Windows only, `sh:` everywhere
 * but Windows; `ps:` and `pwsh:` run on every platform. AppVeyor's docs say
 * "`sh:` on Linux only" when contrasting Linux with Windows; its macOS images
 * run `sh:` lines too (real configs, such as libyal/libevtx in the corpus,
 * build their macOS jobs with `sh:` lines that test for Darwin).
 */
import type { Config, RawCommand } from './config.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import type { PhaseName, PhasePlan, Platform, ScriptCommand, Shell } from './plan.ts';

/**
 * Every phase, in the order AppVeyor runs them. AppVeyor's Windows and Linux
 * pipelines differ only in the place of steps Bakehouse does not carry out
 * (hosts file, cache restore, stack, services, version patching, all reported
 * as not run), so one order serves every platform.
 */
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

/** A line that is only a comment in the shell: `#` lines, and `rem` or `::` in cmd. */
function isComment(line: string, shell: Shell): boolean {
  return shell === 'cmd' ? /^\s*(@?rem(\s|$)|::)/i.test(line) : /^\s*#/.test(line);
}

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

/**
 * The script without its RDP/SSH access hook lines (Bakehouse opens no remote
 * session), or undefined when nothing else is left to run. A hook that is
 * commented out is left alone.
 */
function withoutAccessHooks(
  command: RawCommand,
  shell: Shell,
  phase: PhaseName,
  notes: DiagnosticSink,
): string | undefined {
  const lines = command.script.split('\n');
  const hooked = lines.map((line) => accessHook.test(line) && !isComment(line, shell));
  if (!hooked.includes(true)) return command.script;

  const rest = lines.filter((line, index) => !hooked[index] && !isComment(line, shell));
  const alone = rest.every((line) => line.trim() === '');
  const numbers = hooked.flatMap((hook, index) => (hook ? [index + 1] : []));
  const removed =
    numbers.length === 1
      ? `line ${numbers[0]} of the script is removed`
      : `lines ${numbers.join(', ')} of the script are removed`;
  const note = alone ? 'the line is skipped' : removed;
  notes.skip(`RDP/SSH access hooks are not run by Bakehouse; ${note}`, command, phase);

  // Blank lines keep the other lines' numbers as written.
  return alone ? undefined : lines.map((line, i) => (hooked[i] ? '' : line)).join('\n');
}

/** The phases of a job with at least one command, in AppVeyor's order. */
export function planPhases(
  scripts: Config['scripts'],
  options: PhaseOptions,
  notes: DiagnosticSink,
): PhasePlan[] {
  const phases: PhasePlan[] = [];
  for (const name of phaseOrder) {
    if (options.pullRequest && deployPhases.has(name)) continue;
    const commands: ScriptCommand[] = [];
    for (const command of scripts[name] ?? []) {
      const shell = shellFor(command, options);
      const script = shell && withoutAccessHooks(command, shell, name, notes);
      if (shell === undefined || script === undefined) continue;
      commands.push({ shell, script, line: command.line, column: command.column });
    }
    if (commands.length > 0) phases.push({ name, commands });
  }

  return phases;
}
