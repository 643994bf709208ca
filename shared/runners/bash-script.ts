import type { JobPlan, PhasePlan, ScriptCommand } from '../config/plan.ts';
import { artifactStoreScript, collectionSteps } from './bash-artifacts.ts';
import {
  appveyorCli,
  bashFunctions,
  powershellApi,
  pwshEpilogue,
} from './bash-library.ts';
import type { PhaseContext } from './context.ts';
import { reportBeginMarker, reportEndMarker } from './phase-report.ts';
import { bashQuote as q } from './quoting.ts';
import { jobEnvironment, type ScriptVariable, type SealedVariable } from './variables.ts';

/** The state root of a runner when BAKEHOUSE_STATE_DIR is not set (EC2 runners). */
export const defaultLinuxStateRoot = '/var/lib/bakehouse';

const cliDelimiter = '__BAKEHOUSE_APPVEYOR_CLI__';

/**
 * The bash script of one phase of a Linux job. The job's environment and
 * working folder live in a state file on the runner, written at the end of
 * each phase and sourced at the start of the next; the first phase exports
 * AppVeyor's variables and the job's environment instead. Only exported
 * variables carry over between phases. The output passes through a masking
 * filter, so a background process that keeps writing to it holds the phase
 * open until it ends or the timeout passes: redirect its output. On SIGTERM
 * (the timeout, or the runner terminated) the commands end with no report and
 * no state saved, and the filter, which ignores SIGTERM, writes out what they
 * printed, an unfinished last line included, before the script exits. `ps:` and
 * `pwsh:` lines were not run with pwsh here (it is not installed): their
 * environment hand-back is untested, and their `exit N` counts as a failure.
 * The after_test phase ends by collecting the job's `artifacts:`. The
 * script's own tools (rm, mv, awk, git, tar, the `appveyor` command) come
 * from the PATH the runner started it with, so that a build that changes its
 * PATH breaks only its own commands. The clone goes into a folder that does
 * not exist or is empty, never over files, and on a runner confined to a
 * folder (BAKEHOUSE_RUNNER_FOLDER, set by the local fleet) the clone folder
 * must lie inside it.
 */
export function bashPhaseScript(job: JobPlan, phase: PhasePlan, context: PhaseContext) {
  const { buildId } = context.build;
  const environment = jobEnvironment(job, context);
  const usesPwsh = phase.commands.some((c) => c.shell === 'ps' || c.shell === 'pwsh');

  return [
    '#!/usr/bin/env bash',
    `# Bakehouse phase ${phase.name} of job ${job.id} of build ${buildId}.`,
    "__bh_stopped='' && trap '__bh_stopped=1' TERM",
    `__bh_dir=$BAKEHOUSE_STATE_DIR/${q(`${buildId}/${job.id}`)}`,
    '[ -n "$BAKEHOUSE_STATE_DIR" ] || ' +
      `__bh_dir=${defaultLinuxStateRoot}/${q(`${buildId}/${job.id}`)}`,
    '__bh_path=$__bh_dir/bin:$PATH',
    `__bh_phase=${q(phase.name)}`,
    `__bh_runner_folder=\${BAKEHOUSE_RUNNER_FOLDER-}`,
    `__bh_report_begin=${q(reportBeginMarker)}`,
    `__bh_report_end=${q(reportEndMarker)}`,
    '[ -n "$HOME" ] || export HOME=/root',
    'mkdir -p "$__bh_dir/bin" && chmod 700 "$__bh_dir" || exit 70',
    'cd -- "$__bh_dir" && rm -f {variables,messages,artifacts}.pending exit-requested \\',
    '  "$__bh_phase.result.json" || exit 70',
    `cat > bin/appveyor << '${cliDelimiter}'`,
    appveyorCli + cliDelimiter,
    'chmod 755 bin/appveyor',
    `printf '%s\\n' ${q(artifactStoreScript(context.artifactUpload))} > artifact-store.sh`,
    `__bh_mask_values=${q(environment.secrets.join('\n'))}`,
    bashFunctions,
    ...unsealing(environment.sealed, context),
    ...(usesPwsh ? pwshParts() : []),
    "__bh_in_user=0 __bh_outcome='' __bh_code=0 __bh_skip=false __bh_messages=''",
    "__bh_artifacts=''",
    'declare -A __bh_vars=()',
    '__bh_var_names=()',
    '[ -z "$__bh_stopped" ] || exit 143',
    '{',
    "  trap '__bh_on_exit $?' EXIT",
    "  trap 'trap - EXIT; exit 143' TERM",
    ...homeCheck,
    '  if [ -f "$__bh_dir/state.sh" ]; then',
    '    . "$__bh_dir/state.sh"',
    '  else',
    ...environment.variables.map((variable) => `    export ${assignment(variable)}`),
    '    cd -- "$HOME" || exit 70',
    '  fi',
    ...(environment.sealed.length > 0 ? exportSealed : []),
    '  case ":$PATH:" in',
    '    *":$__bh_dir/bin:"*) ;;',
    '    *) export PATH="$__bh_dir/bin:$PATH" ;;',
    '  esac',
    '  __bh_bake_image=$APPVEYOR_BAKE_IMAGE',
    ...environment.warnings.map((warning) => `  echo ${q(`Warning: ${warning}`)}`),
    ...phaseBody(job, phase, context).map((line) => `  ${line}`),
    '  __bh_outcome=succeeded',
    '  exit 0',
    '} 2>&1 | __bh_mask',
    ...(context.imageFollows ? removeJobState : ['exit "$PIPESTATUS"']),
    '',
  ].join('\n');
}

/** A phase whose runner lost its home (`rm -rf "$HOME"` in a build) fails, saying so. */
const homeCheck = [
  '  if [ ! -d "$HOME" ]; then',
  `    echo "Bakehouse: the runner's home folder $HOME is gone (a command of an" \\`,
  '      "earlier phase removed it?): phase $__bh_phase cannot run there."',
  '    exit 70',
  '  fi',
];

/** After the report: the job's state folder, and its build's when empty, go. */
const removeJobState = [
  '__bh_status=$PIPESTATUS',
  `cd -- "$HOME" && rm -rf -- "$__bh_dir" && rmdir -- "\${__bh_dir%/*}" 2> /dev/null`,
  'exit "$__bh_status"',
];

/**
 * Decrypts the secure values left to the runner before the output filter
 * starts, so the filter knows them; they stay in shell memory and are never
 * written to the state file.
 */
function unsealing(sealed: readonly SealedVariable[], context: PhaseContext): string[] {
  const onRunner = context.decryption.onRunner ?? {
    bash: '__bh_decrypt() { return 3; }',
    unavailable: 'no decryption on the runner is configured',
  };
  if (sealed.length === 0) return ['declare -A __bh_secure=()'];

  return [
    onRunner.bash,
    `__bh_decrypt_unavailable=${q(onRunner.unavailable)}`,
    'declare -A __bh_secure=()',
    '__bh_secure_warnings=()',
    ...sealed.map(
      (variable) => `__bh_unseal ${q(variable.name)} ${q(variable.ciphertext)}`,
    ),
  ];
}

const exportSealed = [
  `  for __bh_name in "\${!__bh_secure[@]}"; do`,
  `    export "$__bh_name=\${__bh_secure[$__bh_name]}"`,
  '  done',
  `  for __bh_name in "\${__bh_secure_warnings[@]}"; do echo "Warning: $__bh_name"; done`,
];

function assignment(variable: ScriptVariable): string {
  const value = variable.fromHome ? `"$HOME"/${q(variable.value)}` : q(variable.value);

  return `${variable.name}=${value}`;
}

function pwshParts(): string[] {
  const prelude = `${powershellApi}$__bhStatus = 0\ntry {\n  . {`;
  const epilogue = `  }\n} catch {\n  Write-Host ($_ | Out-String)\n  $__bhStatus = 1\n}\n`;

  return [
    `__bh_pwsh_prelude=${q(prelude)}`,
    `__bh_pwsh_epilogue=${q(epilogue + pwshEpilogue)}`,
  ];
}

function phaseBody(job: JobPlan, phase: PhasePlan, context: PhaseContext): string[] {
  const commands = phase.commands.flatMap(commandLines);
  // AppVeyor packages artifacts after after_test, before the deploy phases.
  if (phase.name === 'after_test') {
    const steps = collectionSteps(job.artifacts);

    return [...commands, ...steps.flatMap(([display, line]) => internal(display, line))];
  }
  // A baking job's clone folder is not part of its image (DESIGN §2).
  if (phase.name === 'on_image_bake') {
    return [
      ...commands,
      ...internal(
        'remove the clone folder $APPVEYOR_BUILD_FOLDER before the image',
        '__bh_remove_clone_folder',
      ),
    ];
  }
  if (phase.name !== 'clone') return commands;
  if (commands.length > 0) {
    return [
      ...commands,
      ...internal('cd $APPVEYOR_BUILD_FOLDER', '__bh_enter_clone_folder'),
    ];
  }
  const { repositoryUrl, trigger } = context.build;
  const depth = job.shallowClone ? '1' : String(job.cloneDepth ?? '');
  const depthOption = depth === '' ? '' : ` --depth ${depth}`;
  const clone =
    `__bh_clone ${q(repositoryUrl)} "$APPVEYOR_BUILD_FOLDER" ` +
    `${q(trigger.commit.sha)} ${q(depth)}`;

  return internal(
    `git fetch${depthOption} ${repositoryUrl} ${trigger.commit.sha}`,
    clone,
  );
}

function internal(display: string, line: string): string[] {
  return [`__bh_begin ${q(display)}`, line, '__bh_end $?'];
}

function commandLines(command: ScriptCommand): string[] {
  const display = command.script.replace(/\n+$/, '');
  switch (command.shell) {
    case 'cmd':
      return [
        `echo ${q(`Skipping the cmd: command of line ${command.line}: cmd is Windows only.`)}`,
      ];
    case 'ps':
    case 'pwsh':
      return internal(
        display,
        `__bh_pwsh ${command.shell} ${command.line} ${q(command.script)}`,
      );
    default:
      return internal(display, `eval ${q(command.script)}`);
  }
}
