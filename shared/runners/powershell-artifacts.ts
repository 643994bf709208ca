/**
 * The artifact parts of a PowerShell phase script (Windows runners): the
 * `appveyor PushArtifact` verb, which copies a file into a local folder or
 * posts it to an S3 presigned POST with .NET's HttpClient, and the
 * collection of an `artifacts:` entry at the end of after_test. Folders are
 * stored as `<folder>.zip` (Compress-Archive). Like the rest of the Windows
 * script, these are checked against reviewed golden files, not run.
 */
import {
  maxArtifactBytes,
  maxArtifactFileNameLength,
  maxArtifactSegmentBytes,
  maxArtifactsPerJob,
} from '../artifacts/names.ts';
import type { ArtifactSpec } from '../config/plan.ts';
import type { ArtifactUpload } from '../ports/artifact-store.ts';
import { powershellQuote as q } from './quoting.ts';

/** The `Push-Artifact` function of the `appveyor` command (bin/appveyor.ps1). */
export const pushArtifactPowershell = `function Push-Artifact {
  $path = [string]$positional[0]
  if (-not $path -or -not (Test-Path -LiteralPath $path -PathType Leaf)) {
    Fail "PushArtifact: '$path' is not a file (in $((Get-Location).Path))"
  }
  $file = (Resolve-Path -LiteralPath $path).Path
  $fileName = Split-Path -Leaf $file
  if ($options.ContainsKey('filename')) { $fileName = $options['filename'] }
  $fileName = $fileName -replace '\\\\', '/'
  while ($fileName -match '^\\.?/') { $fileName = $fileName -replace '^\\.?/', '' }
  if ("/$fileName/" -match '//|/\\.\\.?/' -or $fileName -match '[\\x00-\\x1f]') {
    Fail "PushArtifact: '$fileName' cannot name an artifact (empty, . or .. segment)"
  }
  $store = Get-Content -Raw -LiteralPath (Join-Path $dir 'artifact-store.json') | ConvertFrom-Json
  if ($fileName.Length -gt $store.maxName) {
    Fail "PushArtifact: '$fileName' is longer than $($store.maxName) characters"
  }
  foreach ($segment in $fileName.Split('/')) {
    $bytes = [Text.Encoding]::UTF8.GetByteCount($segment)
    if ($bytes -gt $store.maxSegmentBytes) {
      Fail ("PushArtifact: a segment of '$fileName' is $bytes bytes, over the " +
        "$($store.maxSegmentBytes) bytes a file system holds in one name")
    }
  }
  $size = (Get-Item -LiteralPath $file).Length
  if ($size -gt $store.maxBytes) {
    Fail "PushArtifact: '$path' is $size bytes, over the limit of $($store.maxBytes)"
  }
  $pushedFile = Join-Path $dir 'artifacts.pushed'
  $pushed = @(if (Test-Path -LiteralPath $pushedFile) { Get-Content -LiteralPath $pushedFile })
  $known = $pushed -contains $fileName
  if (-not $known -and $pushed.Count -ge $store.maxCount) {
    $next = $pushed.Count + 1
    Fail "PushArtifact: '$fileName' would be artifact $next of the job; the most is $($store.maxCount)"
  }
  if ($store.kind -eq 'folder') {
    $target = Join-Path $store.folder $fileName
    New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
    Copy-Item -LiteralPath $file -Destination $target -Force
  } else {
    Add-Type -AssemblyName System.Net.Http
    $form = New-Object System.Net.Http.MultipartFormDataContent
    foreach ($field in $store.fields.PSObject.Properties) {
      $form.Add((New-Object System.Net.Http.StringContent ([string]$field.Value)), $field.Name)
    }
    $form.Add((New-Object System.Net.Http.StringContent ($store.keyPrefix + $fileName)), 'key')
    $stream = [System.IO.File]::OpenRead($file)
    $form.Add((New-Object System.Net.Http.StreamContent $stream), 'file', (Split-Path -Leaf $file))
    $client = New-Object System.Net.Http.HttpClient
    $client.Timeout = [System.Threading.Timeout]::InfiniteTimeSpan
    try { $answer = $client.PostAsync($store.url, $form).Result } finally { $stream.Dispose() }
    if (-not $answer.IsSuccessStatusCode) {
      Fail "PushArtifact: the store answered $([int]$answer.StatusCode) for '$fileName'"
    }
  }
  if (-not $known) { Add-Content -LiteralPath $pushedFile -Value $fileName }
  $type = if ($options['type']) { $options['type'] } else { 'Auto' }
  $record = [ordered]@{
    fileName = $fileName; name = [string]$options['deploymentname']; type = $type
    size = $size; path = $path
  }
  $pending = Join-Path $dir 'artifacts.pending'
  Add-Content -LiteralPath $pending -Value ($record | ConvertTo-Json -Compress)
  Write-Output "Artifact $fileName ($size bytes) pushed."
}
`;

/**
 * `__bhCollectArtifacts`: pushes what one `artifacts:` entry names, relative
 * to the clone folder, as the bash runner does (a file, the files a wildcard
 * matches, a folder as one archive; `$(NAME)` replaced; a warning when
 * nothing matches).
 */
export const collectArtifactsPowershell = `function __bhCollectArtifacts(
  [string] $written, [string] $name, [string] $type
) {
  $global:LASTEXITCODE = 0
  $pattern = [regex]::Replace($written, '\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)', {
    param($found) [Environment]::GetEnvironmentVariable($found.Groups[1].Value)
  })
  $pattern = $pattern -replace '\\\\', '/'
  while ($pattern -match '^\\.?/') { $pattern = $pattern -replace '^\\.?/', '' }
  $named = @()
  if ($name) { $named += '-DeploymentName', $name }
  if ($type) { $named += '-Type', $type }
  if ("/$pattern/" -match '/\\.\\./') {
    Write-Output "Warning: artifact path '$written' leaves the clone folder; it is skipped."
    $warning = "Artifact path '$written' leaves the clone folder; it is skipped"
    & appveyor AddMessage $warning -Category Warning
    return
  }
  $root = $env:APPVEYOR_BUILD_FOLDER
  $path = Join-Path $root $pattern
  $files = @()
  if ($pattern -match '[*?]') {
    $glob = [regex]::Escape($pattern) -replace '\\\\\\*\\\\\\*/', '(.*/)?'
    $glob = $glob -replace '\\\\\\*\\\\\\*', '.*'
    $glob = '^' + ($glob -replace '\\\\\\*', '[^/]*' -replace '\\\\\\?', '[^/]') + '$'
    foreach ($item in Get-ChildItem -LiteralPath $root -Recurse -File -Force) {
      $relative = $item.FullName.Substring($root.Length).TrimStart('\\', '/') -replace '\\\\', '/'
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
`;

/** The file (`artifact-store.json`) that tells `appveyor PushArtifact` where to store. */
export function artifactStoreJson(upload: ArtifactUpload): string {
  return JSON.stringify({
    ...upload,
    maxBytes: maxArtifactBytes,
    maxCount: maxArtifactsPerJob,
    maxName: maxArtifactFileNameLength,
    maxSegmentBytes: maxArtifactSegmentBytes,
  });
}

/** The steps of after_test that collect a job's `artifacts:` entries. */
export function collectionStepsPowershell(
  artifacts: readonly ArtifactSpec[],
): [string, string][] {
  return artifacts.map((a) => [
    `collect artifacts: ${a.path}`,
    `__bhCollectArtifacts ${q(a.path)} ${q(a.name ?? '')} ${q(a.type ?? '')}`,
  ]);
}
