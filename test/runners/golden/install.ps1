# Bakehouse phase install of job 1 of build 01JBUILD.
$__bhRoot = $env:BAKEHOUSE_STATE_DIR
if (-not $__bhRoot) { $__bhRoot = 'C:\ProgramData\Bakehouse' }
$__bhDir = Join-Path $__bhRoot '01JBUILD\1'
$__bhPhase = 'install'
$__bhReportBegin = '##[bakehouse-phase-result-begin-7f3c9a]'
$__bhReportEnd = '##[bakehouse-phase-result-end-7f3c9a]'
$__bhSecrets = @('hunter2')
$__bhApi = 'function Set-AppveyorBuildVariable {
  param([Parameter(Mandatory = $true)][string] $Name, [string] $Value = '''')
  & appveyor SetVariable -Name $Name -Value $Value
}
function Add-AppveyorMessage {
  param(
    [Parameter(Mandatory = $true, Position = 0)][string] $Message,
    [string] $Category = ''Information'',
    [string] $Details = ''''
  )
  & appveyor AddMessage $Message -Category $Category -Details $Details
}
function Push-AppveyorArtifact {
  param(
    [Parameter(Mandatory = $true, Position = 0)][string] $Path,
    [string] $FileName = '''',
    [string] $DeploymentName = '''',
    [string] $Type = ''Auto'',
    [string] $Verbosity = ''Normal''
  )
  $pushing = @(''PushArtifact'', $Path, ''-Type'', $Type)
  if ($FileName) { $pushing += ''-FileName'', $FileName }
  if ($DeploymentName) { $pushing += ''-DeploymentName'', $DeploymentName }
  & appveyor @pushing
  if ($LASTEXITCODE -ne 0) { throw "Push-AppveyorArtifact: $Path was not pushed" }
}
function Exit-AppveyorBuild { & appveyor exit }
'
New-Item -ItemType Directory -Force -Path (Join-Path $__bhDir 'bin') | Out-Null
$__bhStale = 'variables.pending', 'messages.pending', 'artifacts.pending', 'exit-requested'
foreach ($__bhName in @($__bhStale) + "$__bhPhase.result.json") {
  Remove-Item -Force -ErrorAction SilentlyContinue -LiteralPath (Join-Path $__bhDir $__bhName)
}
$__bhCli = Join-Path $__bhDir 'bin\appveyor.ps1'
Set-Content -LiteralPath $__bhCli -Value '# The build worker API of a Bakehouse runner.
# SetVariable, AddMessage, PushArtifact, version, exit.
$dir = Split-Path -Parent $PSScriptRoot
$verb = if ($args.Count -gt 0) { [string]$args[0] } else { '''' }
$options = @{}
$positional = @()
for ($i = 1; $i -lt $args.Count; $i++) {
  $word = [string]$args[$i]
  if ($word -match ''^-[A-Za-z]'') {
    $options[$word.Substring(1).ToLower()] = [string]$args[$i + 1]
    $i++
  } else {
    $positional += $word
  }
}
function Fail($message) { [Console]::Error.WriteLine("appveyor: $message"); exit 2 }
function Push-Artifact {
  $path = [string]$positional[0]
  if (-not $path -or -not (Test-Path -LiteralPath $path -PathType Leaf)) {
    Fail "PushArtifact: ''$path'' is not a file (in $((Get-Location).Path))"
  }
  $file = (Resolve-Path -LiteralPath $path).Path
  $fileName = Split-Path -Leaf $file
  if ($options.ContainsKey(''filename'')) { $fileName = $options[''filename''] }
  $fileName = $fileName -replace ''\\'', ''/''
  while ($fileName -match ''^\.?/'') { $fileName = $fileName -replace ''^\.?/'', '''' }
  if ("/$fileName/" -match ''//|/\.\.?/'' -or $fileName -match ''[\x00-\x1f]'') {
    Fail "PushArtifact: ''$fileName'' cannot name an artifact (empty, . or .. segment)"
  }
  $store = Get-Content -Raw -LiteralPath (Join-Path $dir ''artifact-store.json'') | ConvertFrom-Json
  if ($fileName.Length -gt $store.maxName) {
    Fail "PushArtifact: ''$fileName'' is longer than $($store.maxName) characters"
  }
  foreach ($segment in $fileName.Split(''/'')) {
    $bytes = [Text.Encoding]::UTF8.GetByteCount($segment)
    if ($bytes -gt $store.maxSegmentBytes) {
      Fail ("PushArtifact: a segment of ''$fileName'' is $bytes bytes, over the " +
        "$($store.maxSegmentBytes) bytes a file system holds in one name")
    }
  }
  $size = (Get-Item -LiteralPath $file).Length
  if ($size -gt $store.maxBytes) {
    Fail "PushArtifact: ''$path'' is $size bytes, over the limit of $($store.maxBytes)"
  }
  $pushedFile = Join-Path $dir ''artifacts.pushed''
  $pushed = @(if (Test-Path -LiteralPath $pushedFile) { Get-Content -LiteralPath $pushedFile })
  $known = $pushed -contains $fileName
  if (-not $known -and $pushed.Count -ge $store.maxCount) {
    $next = $pushed.Count + 1
    Fail "PushArtifact: ''$fileName'' would be artifact $next of the job; the most is $($store.maxCount)"
  }
  if ($store.kind -eq ''folder'') {
    $target = Join-Path $store.folder $fileName
    New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
    Copy-Item -LiteralPath $file -Destination $target -Force
  } else {
    Add-Type -AssemblyName System.Net.Http
    $form = New-Object System.Net.Http.MultipartFormDataContent
    foreach ($field in $store.fields.PSObject.Properties) {
      $form.Add((New-Object System.Net.Http.StringContent ([string]$field.Value)), $field.Name)
    }
    $form.Add((New-Object System.Net.Http.StringContent ($store.keyPrefix + $fileName)), ''key'')
    $stream = [System.IO.File]::OpenRead($file)
    $form.Add((New-Object System.Net.Http.StreamContent $stream), ''file'', (Split-Path -Leaf $file))
    $client = New-Object System.Net.Http.HttpClient
    $client.Timeout = [System.Threading.Timeout]::InfiniteTimeSpan
    try { $answer = $client.PostAsync($store.url, $form).Result } finally { $stream.Dispose() }
    if (-not $answer.IsSuccessStatusCode) {
      Fail "PushArtifact: the store answered $([int]$answer.StatusCode) for ''$fileName''"
    }
  }
  if (-not $known) { Add-Content -LiteralPath $pushedFile -Value $fileName }
  $type = if ($options[''type'']) { $options[''type''] } else { ''Auto'' }
  $record = [ordered]@{
    fileName = $fileName; name = [string]$options[''deploymentname'']; type = $type
    size = $size; path = $path
  }
  $pending = Join-Path $dir ''artifacts.pending''
  Add-Content -LiteralPath $pending -Value ($record | ConvertTo-Json -Compress)
  Write-Output "Artifact $fileName ($size bytes) pushed."
}
switch ($verb.ToLower()) {
  ''setvariable'' {
    $name = if ($options.ContainsKey(''name'')) { $options[''name''] } else { [string]$positional[0] }
    $value = if ($options.ContainsKey(''value'')) { $options[''value''] } else { [string]$positional[1] }
    if ($name -notmatch ''^[A-Za-z_][A-Za-z0-9_]*$'') {
      Fail "SetVariable needs a name of letters, digits and _, not ''$name''"
    }
    $record = @{ name = $name; value = $value } | ConvertTo-Json -Compress
    Add-Content -LiteralPath (Join-Path $dir ''variables.pending'') -Value $record
  }
  ''addmessage'' {
    $message = if ($options.ContainsKey(''message'')) { $options[''message''] } else { [string]$positional[0] }
    if (-not $message) { Fail ''AddMessage needs a message'' }
    $category = switch ([string]$options[''category'']) {
      '''' { ''Information'' } ''information'' { ''Information'' } ''warning'' { ''Warning'' } ''error'' { ''Error'' }
      default { Fail ''AddMessage -Category is Information, Warning or Error'' }
    }
    $record = @{ message = $message; category = $category; details = [string]$options[''details''] }
    Add-Content -LiteralPath (Join-Path $dir ''messages.pending'') -Value ($record | ConvertTo-Json -Compress)
  }
  ''pushartifact'' { Push-Artifact }
  ''version'' { Write-Output ''Bakehouse 0.1.0'' }
  ''exit'' { Set-Content -LiteralPath (Join-Path $dir ''exit-requested'') -Value '''' }
  default {
    $verbs = ''SetVariable, AddMessage, PushArtifact, version, exit''
    [Console]::Error.WriteLine("appveyor: ''$verb'' is not supported by Bakehouse ($verbs)")
    exit 1
  }
}
'
$__bhLauncher = Join-Path $__bhDir 'bin\appveyor.cmd'
Set-Content -LiteralPath $__bhLauncher -Value '@powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0appveyor.ps1" %*' -Encoding Ascii
$__bhStore = Join-Path $__bhDir 'artifact-store.json'
Set-Content -LiteralPath $__bhStore -Value '{"kind":"folder","folder":"/tmp/bakehouse-test-artifacts","maxBytes":1073741824,"maxCount":100,"maxName":500,"maxSegmentBytes":255}'
function __bhMask([string] $text) {
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
  foreach ($line in $script -split "`r?`n") {
    if ($line.Trim()) { $lines += $line; $lines += 'if %errorlevel% neq 0 goto __bh_done' }
  }
  $lines += ':__bh_done', 'set __BH_STATUS=%errorlevel%', "set > `"$envFile`"",
    "cd >> `"$envFile`"", 'exit /b %__BH_STATUS%'
  Set-Content -LiteralPath $file -Value $lines -Encoding Ascii
  & cmd.exe /d /c "`"$file`""
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
  Remove-Item Env:\BAKEHOUSE_CHILD_ENV
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
function __bhCollectArtifacts(
  [string] $written, [string] $name, [string] $type
) {
  $global:LASTEXITCODE = 0
  $pattern = [regex]::Replace($written, '\$\(([A-Za-z_][A-Za-z0-9_]*)\)', {
    param($found) [Environment]::GetEnvironmentVariable($found.Groups[1].Value)
  })
  $pattern = $pattern -replace '\\', '/'
  while ($pattern -match '^\.?/') { $pattern = $pattern -replace '^\.?/', '' }
  $named = @()
  if ($name) { $named += '-DeploymentName', $name }
  if ($type) { $named += '-Type', $type }
  if ("/$pattern/" -match '/\.\./') {
    Write-Output "Warning: artifact path '$written' leaves the clone folder; it is skipped."
    $warning = "Artifact path '$written' leaves the clone folder; it is skipped"
    & appveyor AddMessage $warning -Category Warning
    return
  }
  $root = $env:APPVEYOR_BUILD_FOLDER
  $path = Join-Path $root $pattern
  $files = @()
  if ($pattern -match '[*?]') {
    $glob = [regex]::Escape($pattern) -replace '\\\*\\\*/', '(.*/)?'
    $glob = $glob -replace '\\\*\\\*', '.*'
    $glob = '^' + ($glob -replace '\\\*', '[^/]*' -replace '\\\?', '[^/]') + '$'
    foreach ($item in Get-ChildItem -LiteralPath $root -Recurse -File -Force) {
      $relative = $item.FullName.Substring($root.Length).TrimStart('\', '/') -replace '\\', '/'
      if ($relative -match $glob) { $files += , @($item.FullName, $relative) }
    }
  } elseif (Test-Path -LiteralPath $path -PathType Container) {
    $zip = Join-Path $__bhDir 'artifact-folder.zip'
    Compress-Archive -Path (Join-Path $path '*') -DestinationPath $zip -Force
    & appveyor PushArtifact $zip -FileName ($pattern.TrimEnd('/') + '.zip') @named
    $status = $LASTEXITCODE
    Remove-Item -Force -LiteralPath $zip
    $global:LASTEXITCODE = $status
    return
  } elseif (Test-Path -LiteralPath $path -PathType Leaf) {
    $files += , @($path, $pattern)
  }
  if ($files.Count -eq 0) {
    Write-Output "Warning: artifact path '$written' matched no file; nothing is pushed for it."
    $warning = "Artifact path '$written' matched no file; nothing is pushed for it"
    & appveyor AddMessage $warning -Category Warning
    return
  }
  foreach ($pair in $files) {
    & appveyor PushArtifact $pair[0] -FileName $pair[1] @named
    if ($LASTEXITCODE -ne 0) { return }
  }
}
function __bhSaveState { __bhExportEnvironment (Join-Path $__bhDir 'state.json') }
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

. ([ScriptBlock]::Create($__bhApi))
$__bhState = @{
  InUser = $false; Outcome = ''; Code = 0; Skip = $false
  Variables = [ordered]@{}; Messages = @(); Artifacts = @()
}
& {
  try {
    $__bhStateFile = Join-Path $__bhDir 'state.json'
    if (Test-Path -LiteralPath $__bhStateFile) {
      __bhImportEnvironment $__bhStateFile -Keep
    } else {
      $env:APPVEYOR = 'True'
      $env:CI = 'True'
      $env:CI_LINUX = 'false'
      $env:CI_WINDOWS = 'true'
      $env:APPVEYOR_ACCOUNT_NAME = 'acme'
      $env:APPVEYOR_PROJECT_NAME = 'Widget'
      $env:APPVEYOR_PROJECT_SLUG = 'widget'
      $env:APPVEYOR_BUILD_ID = '01JBUILD'
      $env:APPVEYOR_BUILD_NUMBER = '42'
      $env:APPVEYOR_BUILD_VERSION = '1.0.42'
      $env:APPVEYOR_BUILD_WORKER_IMAGE = 'Visual Studio 2022'
      $env:APPVEYOR_JOB_ID = '01JBUILD-1'
      $env:APPVEYOR_JOB_NAME = 'Image: Visual Studio 2022'
      $env:APPVEYOR_JOB_NUMBER = '1'
      $env:APPVEYOR_REPO_PROVIDER = 'gitHub'
      $env:APPVEYOR_REPO_SCM = 'git'
      $env:APPVEYOR_REPO_NAME = 'acme/Widget'
      $env:APPVEYOR_REPO_BRANCH = 'main'
      $env:APPVEYOR_REPO_TAG = 'false'
      $env:APPVEYOR_REPO_COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
      $env:APPVEYOR_REPO_COMMIT_AUTHOR = 'Ada'
      $env:APPVEYOR_REPO_COMMIT_AUTHOR_EMAIL = 'ada@example.com'
      $env:APPVEYOR_REPO_COMMIT_MESSAGE = 'Add the widget'
      $env:APPVEYOR_REPO_COMMIT_MESSAGE_EXTENDED = 'With a longer body.'
      $env:CONFIGURATION = 'Release'
      $env:APPVEYOR_BUILD_FOLDER = 'C:\projects\widget'
      $env:GREETING = 'it''s'
      $env:TOKEN = 'hunter2'
      Set-Location -LiteralPath $HOME
    }
    $__bhBin = Join-Path $__bhDir 'bin'
    if (($env:PATH -split ';') -notcontains $__bhBin) {
      $env:PATH = $__bhBin + ';' + $env:PATH
    }
    $__bhBakeImage = $env:APPVEYOR_BAKE_IMAGE
__bhBegin 'echo %GREETING%'
__bhCmd 'echo %GREETING%'
__bhEnd $LASTEXITCODE
__bhBegin 'set BUILT=yes'
__bhCmd 'set BUILT=yes'
__bhEnd $LASTEXITCODE
__bhBegin '$env:TOOL = ''ready''
appveyor SetVariable -Name A -Value b'
$__bhPsStatus = 0
try {
. {
$env:TOOL = 'ready'
appveyor SetVariable -Name A -Value b
}
} catch { Write-Output ($_ | Out-String); $__bhPsStatus = 1 }
__bhEnd $__bhPsStatus
__bhBegin 'Write-Host $PSVersionTable.PSVersion'
__bhPwsh 'Write-Host $PSVersionTable.PSVersion'
__bhEnd $LASTEXITCODE
Write-Output 'Skipping the sh: command of line 9: sh is Linux only.'
    $__bhState.Outcome = 'succeeded'
  } catch [System.OperationCanceledException] {
  } finally {
    __bhFinish
  }
} *>&1 | ForEach-Object { __bhMask "$_" }
exit $__bhState.Code
