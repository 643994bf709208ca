import type { JobPlan, PhasePlan, ScriptCommand } from '../config/plan.ts';
import { powershellApi } from './bash-library.ts';
import type { PhaseContext } from './context.ts';
import { reportBeginMarker, reportEndMarker } from './phase-report.ts';
import { artifactStoreJson, collectionStepsPowershell } from './powershell-artifacts.ts';
import { appveyorCliPowershell, powershellFunctions } from './powershell-library.ts';
import { powershellQuote as q } from './quoting.ts';
import { jobEnvironment } from './variables.ts';

/** The state root of a Windows runner when BAKEHOUSE_STATE_DIR is not set. */
export const defaultWindowsStateRoot = 'C:\\ProgramData\\Bakehouse';

const cliLauncher =
  '@powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0appveyor.ps1" %*';

/**
 * The PowerShell script of one phase of a Windows job: the same state file,
 * build worker API and report as the bash flavour; plain and `cmd:` lines
 * run in cmd with their environment and folder carried back, `sh:` lines are
 * skipped. The commands are not indented, so that a here-string in a `ps:`
 * line keeps its closing quote in the first column. The after_test phase
 * ends by collecting the job's `artifacts:`.
 */
export function powershellPhaseScript(
  job: JobPlan,
  phase: PhasePlan,
  context: PhaseContext,
): string {
  const { buildId } = context.build;
  const environment = jobEnvironment(job, context);

  return [
    `# Bakehouse phase ${phase.name} of job ${job.id} of build ${buildId}.`,
    '$__bhRoot = $env:BAKEHOUSE_STATE_DIR',
    `if (-not $__bhRoot) { $__bhRoot = ${q(defaultWindowsStateRoot)} }`,
    `$__bhDir = Join-Path $__bhRoot ${q(`${buildId}\\${job.id}`)}`,
    `$__bhPhase = ${q(phase.name)}`,
    `$__bhReportBegin = ${q(reportBeginMarker)}`,
    `$__bhReportEnd = ${q(reportEndMarker)}`,
    `$__bhSecrets = @(${environment.secrets.map(q).join(', ')})`,
    `$__bhApi = ${q(powershellApi)}`,
    "New-Item -ItemType Directory -Force -Path (Join-Path $__bhDir 'bin') | Out-Null",
    "$__bhStale = 'variables.pending', 'messages.pending', 'artifacts.pending', 'exit-requested'",
    'foreach ($__bhName in @($__bhStale) + "$__bhPhase.result.json") {',
    '  Remove-Item -Force -ErrorAction SilentlyContinue ' +
      '-LiteralPath (Join-Path $__bhDir $__bhName)',
    '}',
    "$__bhCli = Join-Path $__bhDir 'bin\\appveyor.ps1'",
    `Set-Content -LiteralPath $__bhCli -Value ${q(appveyorCliPowershell)}`,
    "$__bhLauncher = Join-Path $__bhDir 'bin\\appveyor.cmd'",
    `Set-Content -LiteralPath $__bhLauncher -Value ${q(cliLauncher)} -Encoding Ascii`,
    "$__bhStore = Join-Path $__bhDir 'artifact-store.json'",
    `Set-Content -LiteralPath $__bhStore -Value ${q(artifactStoreJson(context.artifactUpload))}`,
    powershellFunctions,
    '. ([ScriptBlock]::Create($__bhApi))',
    '$__bhState = @{',
    "  InUser = $false; Outcome = ''; Code = 0; Skip = $false",
    '  Variables = [ordered]@{}; Messages = @(); Artifacts = @()',
    '}',
    '& {',
    '  try {',
    "    $__bhStateFile = Join-Path $__bhDir 'state.json'",
    '    if (Test-Path -LiteralPath $__bhStateFile) {',
    '      __bhImportEnvironment $__bhStateFile -Keep',
    '    } else {',
    ...environment.variables.map((v) => `      $env:${v.name} = ${q(v.value)}`),
    '      Set-Location -LiteralPath $HOME',
    '    }',
    "    $__bhBin = Join-Path $__bhDir 'bin'",
    "    if (($env:PATH -split ';') -notcontains $__bhBin) {",
    "      $env:PATH = $__bhBin + ';' + $env:PATH",
    '    }',
    '    $__bhBakeImage = $env:APPVEYOR_BAKE_IMAGE',
    ...environment.warnings.map(
      (warning) => `    Write-Output ${q(`Warning: ${warning}`)}`,
    ),
    ...phaseBody(job, phase, context),
    "    $__bhState.Outcome = 'succeeded'",
    '  } catch [System.OperationCanceledException] {',
    '  } finally {',
    '    __bhFinish',
    '  }',
    '} *>&1 | ForEach-Object { __bhMask "$_" }',
    ...(context.imageFollows ? removeJobState : []),
    'exit $__bhState.Code',
    '',
  ].join('\r\n');
}

/** After the report: the job's state folder goes, the runner becoming an image. */
const removeJobState = [
  'Set-Location -LiteralPath $HOME',
  'Remove-Item -Recurse -Force -ErrorAction SilentlyContinue -LiteralPath $__bhDir',
];

function phaseBody(job: JobPlan, phase: PhasePlan, context: PhaseContext): string[] {
  const commands = phase.commands.flatMap(commandLines);
  // AppVeyor packages artifacts after after_test, before the deploy phases.
  if (phase.name === 'after_test') {
    const steps = collectionStepsPowershell(job.artifacts);

    return [
      ...commands,
      ...steps.flatMap(([display, line]) => step(display, line, '$LASTEXITCODE')),
    ];
  }
  // A baking job's clone folder is not part of its image (DESIGN §2).
  if (phase.name === 'on_image_bake') {
    const remove =
      'Set-Location -LiteralPath $HOME; ' +
      'Remove-Item -Recurse -Force -LiteralPath $env:APPVEYOR_BUILD_FOLDER';

    return [
      ...commands,
      ...step(
        'remove the clone folder $env:APPVEYOR_BUILD_FOLDER before the image',
        remove,
        '0',
      ),
    ];
  }
  if (phase.name !== 'clone') return commands;
  if (commands.length > 0) {
    const cd = 'Set-Location -LiteralPath $env:APPVEYOR_BUILD_FOLDER';

    return [...commands, ...step('cd $env:APPVEYOR_BUILD_FOLDER', cd, '$LASTEXITCODE')];
  }
  const { repositoryUrl, trigger } = context.build;
  const sha = trigger.commit.sha;
  const depth = job.shallowClone ? '1' : String(job.cloneDepth ?? '');
  const display = `git fetch${depth ? ` --depth ${depth}` : ''} ${repositoryUrl} ${sha}`;
  const clone = `__bhClone ${q(repositoryUrl)} $env:APPVEYOR_BUILD_FOLDER ${q(sha)} ${q(depth)}`;

  return step(display, clone, '$LASTEXITCODE');
}

function step(display: string, line: string, status: string): string[] {
  return [`__bhBegin ${q(display)}`, line, `__bhEnd ${status}`];
}

function commandLines(command: ScriptCommand): string[] {
  const display = command.script.replace(/\n+$/, '');
  switch (command.shell) {
    case 'sh':
      return [
        `Write-Output ${q(`Skipping the sh: command of line ${command.line}: sh is Linux only.`)}`,
      ];
    case 'ps':
      return [
        `__bhBegin ${q(display)}`,
        '$__bhPsStatus = 0',
        'try {',
        '. {',
        ...command.script.replace(/\n+$/, '').split('\n'),
        '}',
        '} catch { Write-Output ($_ | Out-String); $__bhPsStatus = 1 }',
        '__bhEnd $__bhPsStatus',
      ];
    case 'pwsh':
      return step(display, `__bhPwsh ${q(command.script)}`, '$LASTEXITCODE');
    default:
      return step(display, `__bhCmd ${q(command.script)}`, '$LASTEXITCODE');
  }
}
