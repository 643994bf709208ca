/**
 * The fixed parts of a PowerShell phase script (Windows runners): the
 * `appveyor` command as a script, and the functions that run cmd, PowerShell
 * and pwsh commands, keep the job's state and report the phase. PowerShell is
 * not installed where these were written: they are checked against reviewed
 * golden files, not run.
 */
import { bakehouseVersion } from '../version.ts';
import {
  collectArtifactsPowershell,
  pushArtifactPowershell,
} from './powershell-artifacts.ts';

/**
 * The `appveyor` command (bin/appveyor.ps1, called through bin/appveyor.cmd):
 * the verbs of the bash one.
 */
export const appveyorCliPowershell = `# The build worker API of a Bakehouse runner.
# SetVariable, AddMessage, PushArtifact, version, exit.
$dir = Split-Path -Parent $PSScriptRoot
$verb = if ($args.Count -gt 0) { [string]$args[0] } else { '' }
$options = @{}
$positional = @()
for ($i = 1; $i -lt $args.Count; $i++) {
  $word = [string]$args[$i]
  if ($word -match '^-[A-Za-z]') {
    $options[$word.Substring(1).ToLower()] = [string]$args[$i + 1]
    $i++
  } else {
    $positional += $word
  }
}
function Fail($message) { [Console]::Error.WriteLine("appveyor: $message"); exit 2 }
${pushArtifactPowershell}switch ($verb.ToLower()) {
  'setvariable' {
    $name = if ($options.ContainsKey('name')) { $options['name'] } else { [string]$positional[0] }
    $value = if ($options.ContainsKey('value')) { $options['value'] } else { [string]$positional[1] }
    if ($name -notmatch '^[A-Za-z_][A-Za-z0-9_]*$') {
      Fail "SetVariable needs a name of letters, digits and _, not '$name'"
    }
    $record = @{ name = $name; value = $value } | ConvertTo-Json -Compress
    Add-Content -LiteralPath (Join-Path $dir 'variables.pending') -Value $record
  }
  'addmessage' {
    $message = if ($options.ContainsKey('message')) { $options['message'] } else { [string]$positional[0] }
    if (-not $message) { Fail 'AddMessage needs a message' }
    $category = switch ([string]$options['category']) {
      '' { 'Information' } 'information' { 'Information' } 'warning' { 'Warning' } 'error' { 'Error' }
      default { Fail 'AddMessage -Category is Information, Warning or Error' }
    }
    $record = @{ message = $message; category = $category; details = [string]$options['details'] }
    Add-Content -LiteralPath (Join-Path $dir 'messages.pending') -Value ($record | ConvertTo-Json -Compress)
  }
  'pushartifact' { Push-Artifact }
  'version' { Write-Output 'Bakehouse ${bakehouseVersion}' }
  'exit' { Set-Content -LiteralPath (Join-Path $dir 'exit-requested') -Value '' }
  default {
    $verbs = 'SetVariable, AddMessage, PushArtifact, version, exit'
    [Console]::Error.WriteLine("appveyor: '$verb' is not supported by Bakehouse ($verbs)")
    exit 1
  }
}
`;

/** The PowerShell functions every Windows phase script defines (names start with `__bh`). */
export const powershellFunctions = `function __bhMask([string] $text) {
  foreach ($secret in $__bhSecrets) { $text = $text.Replace($secret, '***') }
  $text
}
function __bhApplyPending {
  $file = Join-Path $__bhDir 'variables.pending'
  if (Test-Path -LiteralPath $file) {
    foreach ($line in Get-Content -LiteralPath $file) {
      $record = $line | ConvertFrom-Json
      [Environment]::SetEnvironmentVariable($record.name, $record.value)
      $__bhState.Variables[$record.name] = $record.value
    }
    Remove-Item -LiteralPath $file
  }
  $file = Join-Path $__bhDir 'messages.pending'
  if (Test-Path -LiteralPath $file) {
    foreach ($line in Get-Content -LiteralPath $file) {
      $record = $line | ConvertFrom-Json
      $message = [ordered]@{ message = $record.message; category = $record.category }
      if ($record.details) { $message.details = $record.details }
      $__bhState.Messages += $message
    }
    Remove-Item -LiteralPath $file
  }
  $file = Join-Path $__bhDir 'artifacts.pending'
  if (Test-Path -LiteralPath $file) {
    foreach ($line in Get-Content -LiteralPath $file) {
      $record = $line | ConvertFrom-Json
      $artifact = [ordered]@{ fileName = $record.fileName }
      if ($record.name) { $artifact.name = $record.name }
      $artifact.type = $record.type
      $artifact.size = [long]$record.size
      $artifact.path = $record.path
      $__bhState.Artifacts += $artifact
    }
    Remove-Item -LiteralPath $file
  }
}
function __bhBegin([string] $display) {
  Write-Output $display
  $global:LASTEXITCODE = 0
  $__bhState.InUser = $true
}
function __bhEnd([int] $status) {
  $__bhState.InUser = $false
  __bhApplyPending
  if (Test-Path -LiteralPath (Join-Path $__bhDir 'exit-requested')) {
    $__bhState.Outcome = 'exited-green'
    $__bhState.Skip = $env:APPVEYOR_SKIP_FINALIZE_ON_EXIT -eq 'true'
    Write-Output 'appveyor exit: the job ends here, green.'
    throw [System.OperationCanceledException]::new('bakehouse-stop')
  }
  if ($status -ne 0) {
    $__bhState.Outcome = 'failed'
    $__bhState.Code = $status
    Write-Output "Command exited with code $status"
    throw [System.OperationCanceledException]::new('bakehouse-stop')
  }
}
function __bhImportEnvironment([string] $file, [switch] $Keep) {
  if (-not (Test-Path -LiteralPath $file)) { return }
  $state = Get-Content -Raw -LiteralPath $file | ConvertFrom-Json
  foreach ($entry in $state.env.PSObject.Properties) {
    [Environment]::SetEnvironmentVariable($entry.Name, [string]$entry.Value)
  }
  Set-Location -LiteralPath $state.cwd
  if (-not $Keep) { Remove-Item -LiteralPath $file }
}
function __bhExportEnvironment([string] $file) {
  $environment = [ordered]@{}
  foreach ($entry in Get-ChildItem env:) {
    if ($entry.Name -notin @('BAKEHOUSE_STATE_DIR', 'BAKEHOUSE_CHILD_ENV')) {
      $environment[$entry.Name] = $entry.Value
    }
  }
  @{ env = $environment; cwd = (Get-Location).Path } | ConvertTo-Json -Depth 3 |
    Set-Content -LiteralPath $file
}
function __bhCmd([string] $script) {
  $file = Join-Path $__bhDir 'command.cmd'
  $envFile = Join-Path $__bhDir 'cmd-env.txt'
  $lines = @('@echo off')
  foreach ($line in $script -split "\`r?\`n") {
    if ($line.Trim()) { $lines += $line; $lines += 'if %errorlevel% neq 0 goto __bh_done' }
  }
  $lines += ':__bh_done', 'set __BH_STATUS=%errorlevel%', "set > \`"$envFile\`"",
    "cd >> \`"$envFile\`"", 'exit /b %__BH_STATUS%'
  Set-Content -LiteralPath $file -Value $lines -Encoding Ascii
  & cmd.exe /d /c "\`"$file\`""
  $status = $LASTEXITCODE
  if (Test-Path -LiteralPath $envFile) {
    $captured = Get-Content -LiteralPath $envFile
    foreach ($line in $captured[0..($captured.Count - 2)]) {
      $at = $line.IndexOf('=')
      if ($at -gt 0 -and $line.Substring(0, $at) -ne '__BH_STATUS') {
        [Environment]::SetEnvironmentVariable($line.Substring(0, $at), $line.Substring($at + 1))
      }
    }
    Set-Location -LiteralPath $captured[-1]
    Remove-Item -LiteralPath $envFile
  }
  $global:LASTEXITCODE = $status
}
function __bhPwsh([string] $script) {
  if (-not (Get-Command pwsh -ErrorAction SilentlyContinue)) {
    Write-Output 'The pwsh: command needs PowerShell 7 (pwsh), which is not installed on this runner.'
    $global:LASTEXITCODE = 127
    return
  }
  $file = Join-Path $__bhDir 'command.ps1'
  $envFile = Join-Path $__bhDir 'pwsh-env.json'
  $wrapped = @($__bhApi, '$__bhStatus = 0', 'try {', '. {', $script, '}',
    '} catch { Write-Host ($_ | Out-String); $__bhStatus = 1 }',
    '__bhExportEnvironment $env:BAKEHOUSE_CHILD_ENV', 'exit $__bhStatus')
  $wrapped = @("function __bhExportEnvironment {$function:__bhExportEnvironment}") + $wrapped
  Set-Content -LiteralPath $file -Value $wrapped
  $env:BAKEHOUSE_CHILD_ENV = $envFile
  & pwsh -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $file
  $status = $LASTEXITCODE
  Remove-Item Env:\\BAKEHOUSE_CHILD_ENV
  __bhImportEnvironment $envFile
  $global:LASTEXITCODE = $status
}
function __bhClone([string] $url, [string] $folder, [string] $commit, [string] $depth) {
  if (Test-Path -LiteralPath $folder -PathType Leaf) {
    Write-Output "The clone folder $folder exists and is not a folder: nothing is cloned there."
    $global:LASTEXITCODE = 1
    return
  }
  if (Get-ChildItem -Force -LiteralPath $folder -ErrorAction SilentlyContinue | Select-Object -First 1) {
    Write-Output ("The clone folder $folder already holds files: Bakehouse clones only into a " +
      'folder that does not exist or is empty, and removes nothing it did not put there ' +
      "(AppVeyor's git clone fails likewise). Empty it in init, or choose another clone_folder.")
    $global:LASTEXITCODE = 1
    return
  }
  New-Item -ItemType Directory -Force -Path $folder | Out-Null
  Set-Location -LiteralPath $folder
  git init -q .
  git remote add origin $url
  if ($depth) { git fetch -q --depth $depth origin $commit } else { git fetch -q origin $commit }
  if ($LASTEXITCODE -ne 0 -and $depth) {
    Write-Output "Fetching $commit at depth $depth failed; fetching the whole history."
    git fetch -q origin
  }
  if ($LASTEXITCODE -eq 0) { git checkout -q --detach $commit }
  if ($LASTEXITCODE -eq 0) { Write-Output "Checked out $commit in $folder" }
}
${collectArtifactsPowershell}function __bhSaveState { __bhExportEnvironment (Join-Path $__bhDir 'state.json') }
function __bhReport {
  if ($env:APPVEYOR_BAKE_IMAGE -ne $__bhBakeImage) {
    $__bhState.Variables['APPVEYOR_BAKE_IMAGE'] = [string]$env:APPVEYOR_BAKE_IMAGE
  }
  $report = [ordered]@{
    outcome = $__bhState.Outcome; exitCode = $__bhState.Code; skipFinalizers = $__bhState.Skip
    variables = $__bhState.Variables; messages = @($__bhState.Messages)
    artifacts = @($__bhState.Artifacts)
  }
  $json = $report | ConvertTo-Json -Compress -Depth 4
  Set-Content -LiteralPath (Join-Path $__bhDir "$__bhPhase.result.json") -Value (__bhMask $json)
  Write-Output $__bhReportBegin, $json, $__bhReportEnd
}
function __bhFinish {
  if ($__bhState.InUser) {
    # A script's own exit: its code is assumed to be in LASTEXITCODE (pwsh is not
    # available where this was written, so this path is untested).
    $__bhState.InUser = $false
    __bhApplyPending
    $__bhState.Code = [int]$global:LASTEXITCODE
    $__bhState.Outcome = if ($__bhState.Code -eq 0) { 'exited-green' } else { 'failed' }
    $__bhState.Skip = $true
  } elseif (-not $__bhState.Outcome) {
    $__bhState.Outcome = 'failed'
    $__bhState.Code = 70
  }
  Remove-Item -Force -ErrorAction SilentlyContinue -LiteralPath (Join-Path $__bhDir 'artifact-store.json')
  __bhSaveState
  __bhReport
}
`;
