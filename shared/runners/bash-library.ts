/**
 * The fixed parts of a bash phase script: the `appveyor` command (the build
 * worker API), the functions that run commands, keep the job's state and
 * report the phase, and the PowerShell wrapper of `ps:` and `pwsh:` lines.
 * The generator (bash-script.ts) places them around a phase's commands.
 */

import { bakehouseVersion } from '../version.ts';
import { artifactFunctions, pushArtifactFunction } from './bash-artifacts.ts';
import { bashMask } from './bash-masking.ts';

/**
 * The `appveyor` command: SetVariable, AddMessage, PushArtifact, version
 * (Bakehouse's, where AppVeyor prints its build agent's) and exit. It cannot
 * change the shell that called it, so it leaves files that the phase script
 * applies after each command.
 */
export const appveyorCli = `#!/usr/bin/env bash
# The build worker API of a Bakehouse runner.
# SetVariable, AddMessage, PushArtifact, version, exit.
dir=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "appveyor: $*" >&2; exit 2; }
quote() { printf -v "$1" "'%s'" "\${2//\\'/\\'\\\\\\'\\'}"; }
verb=\${1-}
[ $# -gt 0 ] && shift
positional=()
declare -A options=()
while [ $# -gt 0 ]; do
  case $1 in
    -[A-Za-z]*)
      [ $# -ge 2 ] || fail "option $1 needs a value"
      options[\${1,,}]=$2
      shift 2 ;;
    *) positional+=("$1"); shift ;;
  esac
done
${pushArtifactFunction}case \${verb,,} in
  setvariable)
    name=\${options[-name]-\${positional[0]-}}
    if [ -n "\${options[-value]+x}" ]; then value=\${options[-value]}
    else value=\${positional[1]-}; fi
    [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
      fail "SetVariable needs a name of letters, digits and _, not '$name'"
    [[ $name != __bh_* ]] ||
      fail "SetVariable cannot set '$name': names starting with __bh_ are Bakehouse's own"
    quote qname "$name"; quote qvalue "$value"
    printf '__bh_set %s %s\\n' "$qname" "$qvalue" >> "$dir/variables.pending" ;;
  addmessage)
    message=\${options[-message]-\${positional[0]-}}
    [ -n "$message" ] || fail "AddMessage needs a message"
    category=\${options[-category]-}
    case \${category,,} in
      ''|information) category=Information ;;
      warning) category=Warning ;;
      error) category=Error ;;
      *) fail "AddMessage -Category is Information, Warning or Error, not '$category'" ;;
    esac
    quote qmessage "$message"; quote qdetails "\${options[-details]-}"
    printf '__bh_message %s %s %s\\n' "$qmessage" "$category" "$qdetails" \\
      >> "$dir/messages.pending" ;;
  pushartifact) push_artifact ;;
  version) echo 'Bakehouse ${bakehouseVersion}' ;;
  exit) : > "$dir/exit-requested" ;;
  *) echo "appveyor: '$verb' is not supported by Bakehouse" \
       "(SetVariable, AddMessage, PushArtifact, version, exit)" >&2
     exit 1 ;;
esac
`;

/** The bash functions every phase script defines (names start with `__bh_`). */
export const bashFunctions = `__bh_quote() { printf -v "$1" "'%s'" "\${2//\\'/\\'\\\\\\'\\'}"; }
__bh_json() {
  local s=$2 i c out=''
  s=\${s//\\\\/\\\\\\\\}; s=\${s//\\"/\\\\\\"}
  s=\${s//$'\\n'/\\\\n}; s=\${s//$'\\r'/\\\\r}; s=\${s//$'\\t'/\\\\t}
  if [[ $s == *[$'\\x01'-$'\\x1f']* ]]; then
    for ((i = 0; i < \${#s}; i++)); do
      c=\${s:i:1}
      [[ $c == [$'\\x01'-$'\\x1f'] ]] && printf -v c '\\\\u%04x' "'$c"
      out+=$c
    done
    s=$out
  fi
  printf -v "$1" '"%s"' "$s"
}
${bashMask}
__bh_unseal() {
  local value status
  value=$(__bh_decrypt "$2" 2> /dev/null)
  status=$?
  if [ "$status" = 0 ]; then
    __bh_secure[$1]=$value
    __bh_mask_values+=$'\\n'$value
    return 0
  fi
  __bh_secure[$1]=''
  if [ "$status" = 3 ]; then
    __bh_secure_warnings+=("Secure variable $1 is empty: $__bh_decrypt_unavailable.")
  else
    __bh_secure_warnings+=("Secure variable $1 is empty: the runner could not decrypt it \
(encrypted with another key, or the runner may not use the key).")
  fi
}
__bh_set() {
  export "$1=$2"
  [ -n "\${__bh_vars[$1]+x}" ] || __bh_var_names+=("$1")
  __bh_vars[$1]=$2
}
__bh_message() {
  local message category details
  __bh_json message "$1"; __bh_json category "$2"; __bh_json details "$3"
  __bh_messages+="\${__bh_messages:+,}{\\"message\\":$message,\\"category\\":$category"
  __bh_messages+="\${3:+,\\"details\\":$details}}"
}
__bh_apply_pending() {
  local file
  for file in "$__bh_dir"/{variables,messages,artifacts}.pending; do
    if [ -f "$file" ]; then . "$file"; PATH=$__bh_path rm -f "$file"; fi
  done
  return 0
}
${artifactFunctions}__bh_begin() {
  printf '%s\\n' "$1"
  __bh_in_user=1
}
__bh_end() {
  local status=$1 skip=\${APPVEYOR_SKIP_FINALIZE_ON_EXIT-}
  __bh_in_user=0
  __bh_apply_pending
  if [ -f "$__bh_dir/exit-requested" ]; then
    __bh_outcome=exited-green __bh_code=0
    [ "\${skip,,}" = true ] && __bh_skip=true
    echo "appveyor exit: the job ends here, green."
    exit 0
  fi
  if [ "$status" != 0 ]; then
    __bh_outcome=failed __bh_code=$status
    echo "Command exited with code $status"
    exit "$status"
  fi
  return 0
}
__bh_pwsh() {
  local kind=$1 line=$2 code=$3 status disable=\${APPVEYOR_YML_DISABLE_PS_LINUX-}
  if [ "$kind" = ps ] && [ "\${disable,,}" = true ]; then
    echo "Skipping the ps: command of line $line: APPVEYOR_YML_DISABLE_PS_LINUX is true."
    return 0
  fi
  if ! command -v pwsh > /dev/null 2>&1; then
    echo "The $kind: command of line $line needs PowerShell (pwsh)," \\
      "which is not installed on this runner." >&2
    return 127
  fi
  printf '%s\\n%s\\n%s\\n' "$__bh_pwsh_prelude" "$code" "$__bh_pwsh_epilogue" \\
    > "$__bh_dir/command.ps1"
  BAKEHOUSE_PWSH_ENV="$__bh_dir/pwsh-env.sh" pwsh -NoProfile -NonInteractive \\
    -File "$__bh_dir/command.ps1"
  status=$?
  if [ -f "$__bh_dir/pwsh-env.sh" ]; then
    . "$__bh_dir/pwsh-env.sh"
    PATH=$__bh_path rm -f "$__bh_dir/pwsh-env.sh"
  fi
  return "$status"
}
__bh_resolve() {
  local path=$2 part out rest=()
  [[ $path == /* ]] || path=$PWD/$path
  while [ ! -d "$path" ]; do
    rest=("\${path##*/}" "\${rest[@]}")
    path=\${path%/*}
    path=\${path:-/}
  done
  out=$(cd -P -- "$path" && pwd -P) || return 1
  for part in "\${rest[@]}"; do
    case $part in
      '' | .) ;;
      ..) out=\${out%/*} ;;
      *) out=\${out%/}/$part ;;
    esac
  done
  printf -v "$1" '%s' "\${out:-/}"
}
__bh_clone_folder_allowed() {
  local folder=$1 resolved='' root='' where=''
  [ -n "$__bh_runner_folder" ] || return 0
  if __bh_resolve resolved "$folder" && __bh_resolve root "$__bh_runner_folder" &&
    [[ $resolved == "$root"/?* ]]; then
    return 0
  fi
  [ "$resolved" = "$folder" ] ||
    where=" (it resolves to \${resolved:-a folder that cannot be read})"
  echo "The clone folder $folder$where is outside this runner's folder $__bh_runner_folder:" \\
    "a local runner runs the build with your own rights, so it clones only inside its" \\
    "own folder. Write clone_folder relative to HOME, or under ~/ or /home/appveyor/." >&2
  return 1
}
__bh_clone() {
  local url=$1 folder=$2 commit=$3 depth=$4 PATH=$__bh_path
  __bh_clone_folder_allowed "$folder" || return 1
  if [ -e "$folder" ] || [ -L "$folder" ]; then
    if [ ! -d "$folder" ]; then
      echo "The clone folder $folder exists and is not a folder: nothing is cloned there." >&2
      return 1
    fi
    if ! (shopt -s nullglob dotglob && set -- "$folder"/* && [ "$#" = 0 ]); then
      echo "The clone folder $folder already holds files: Bakehouse clones only into a" \\
        "folder that does not exist or is empty, and removes nothing it did not put" \\
        "there (AppVeyor's git clone fails likewise). Empty it in init, or choose" \\
        "another clone_folder." >&2
      return 1
    fi
  fi
  mkdir -p -- "$folder" && cd -- "$folder" || return 1
  git init -q . && git remote add origin "$url" || return 1
  if ! git fetch -q \${depth:+--depth "$depth"} origin "$commit"; then
    [ -n "$depth" ] || return 1
    echo "Fetching $commit at depth $depth failed; fetching the whole history."
    git fetch -q origin || return 1
  fi
  git checkout -q --detach "$commit" || return 1
  echo "Checked out $commit in $folder"
}
__bh_enter_clone_folder() {
  __bh_clone_folder_allowed "$APPVEYOR_BUILD_FOLDER" && cd -- "$APPVEYOR_BUILD_FOLDER"
}
__bh_remove_clone_folder() {
  local folder=$APPVEYOR_BUILD_FOLDER PATH=$__bh_path
  __bh_clone_folder_allowed "$folder" || return 1
  cd -- "$HOME" && rm -rf -- "$folder"
}
__bh_save_state() {
  local name value secure
  {
    for name in $(compgen -e); do
      case $name in
        PWD | OLDPWD | SHLVL | _ | HOME | BAKEHOUSE_STATE_DIR | BAKEHOUSE_RUNNER_FOLDER) continue ;;
        BAKEHOUSE_PWSH_ENV) continue ;;
      esac
      [ -z "\${__bh_secure[$name]+x}" ] || continue
      __bh_quote value "\${!name}"
      # A copy of a secure value (SetVariable COPY "$TOKEN") is kept as a reference to it.
      for secure in "\${!__bh_secure[@]}"; do
        [ -n "\${__bh_secure[$secure]}" ] && [ "\${!name}" = "\${__bh_secure[$secure]}" ] &&
          value="\\"\\\${__bh_secure[$secure]}\\""
      done
      printf 'export %s=%s\\n' "$name" "$value"
    done
    __bh_quote value "$PWD"
    printf 'cd -- %s 2> /dev/null || cd -- "$HOME"\\n' "$value"
  } > "$__bh_dir/state.sh.new" &&
    PATH=$__bh_path mv -f "$__bh_dir/state.sh.new" "$__bh_dir/state.sh"
}
__bh_report() {
  local key name value variables='' json
  if [ "\${APPVEYOR_BAKE_IMAGE-}" != "$__bh_bake_image" ]; then
    __bh_set APPVEYOR_BAKE_IMAGE "\${APPVEYOR_BAKE_IMAGE-}"
  fi
  for key in "\${__bh_var_names[@]}"; do
    __bh_json name "$key"; __bh_json value "\${__bh_vars[$key]}"
    variables+="\${variables:+,}$name:$value"
  done
  json="{\\"outcome\\":\\"$__bh_outcome\\",\\"exitCode\\":$__bh_code"
  json+=",\\"skipFinalizers\\":$__bh_skip,\\"variables\\":{$variables}"
  json+=",\\"messages\\":[$__bh_messages],\\"artifacts\\":[$__bh_artifacts]}"
  printf '%s\\n' "$json" | __bh_mask > "$__bh_dir/$__bh_phase.result.json"
  printf '%s\\n%s\\n%s\\n' "$__bh_report_begin" "$json" "$__bh_report_end"
}
__bh_on_exit() {
  local status=$1 flags=$-
  set +eu
  trap - EXIT
  if [ "$__bh_in_user" = 1 ]; then
    __bh_in_user=0
    __bh_apply_pending
    if [ "$status" != 0 ] && [[ $flags == *e* ]]; then
      __bh_outcome=failed __bh_code=$status
      echo "Command exited with code $status"
    elif [ "$status" = 0 ]; then
      __bh_outcome=exited-green __bh_code=0 __bh_skip=true
      echo "exit 0: the job ends here, green, without on_success and on_finish."
    else
      __bh_outcome=failed __bh_code=$status __bh_skip=true
      echo "exit $status: the job ends here, failed, without on_failure and on_finish."
    fi
  elif [ -z "$__bh_outcome" ]; then
    __bh_outcome=failed __bh_code=$((status == 0 ? 70 : status))
  fi
  PATH=$__bh_path rm -f "$__bh_dir/artifact-store.sh"
  __bh_save_state
  __bh_report
}
`;

/**
 * The build worker API as PowerShell functions, calling the `appveyor`
 * command; `-Verbosity` of Push-AppveyorArtifact is accepted and ignored.
 */
export const powershellApi = `function Set-AppveyorBuildVariable {
  param([Parameter(Mandatory = $true)][string] $Name, [string] $Value = '')
  & appveyor SetVariable -Name $Name -Value $Value
}
function Add-AppveyorMessage {
  param(
    [Parameter(Mandatory = $true, Position = 0)][string] $Message,
    [string] $Category = 'Information',
    [string] $Details = ''
  )
  & appveyor AddMessage $Message -Category $Category -Details $Details
}
function Push-AppveyorArtifact {
  param(
    [Parameter(Mandatory = $true, Position = 0)][string] $Path,
    [string] $FileName = '',
    [string] $DeploymentName = '',
    [string] $Type = 'Auto',
    [string] $Verbosity = 'Normal'
  )
  $pushing = @('PushArtifact', $Path, '-Type', $Type)
  if ($FileName) { $pushing += '-FileName', $FileName }
  if ($DeploymentName) { $pushing += '-DeploymentName', $DeploymentName }
  & appveyor @pushing
  if ($LASTEXITCODE -ne 0) { throw "Push-AppveyorArtifact: $Path was not pushed" }
}
function Exit-AppveyorBuild { & appveyor exit }
`;

/**
 * Ends a `ps:` or `pwsh:` line run by pwsh on Linux: hands its environment and
 * working folder back to bash as a file to source.
 */
export const pwshEpilogue = `$__bhSkipped = @('PWD', 'OLDPWD', 'SHLVL', '_', 'BAKEHOUSE_PWSH_ENV')
$__bhState = foreach ($__bhVar in Get-ChildItem env:) {
  if ($__bhVar.Name -match '^[A-Za-z_][A-Za-z0-9_]*$' -and $__bhVar.Name -notin $__bhSkipped) {
    "export $($__bhVar.Name)='" + ($__bhVar.Value -replace "'", "'\\''") + "'"
  }
}
$__bhState += "cd -- '" + ((Get-Location).Path -replace "'", "'\\''") + "'"
Set-Content -LiteralPath $env:BAKEHOUSE_PWSH_ENV -Value $__bhState
exit $__bhStatus
`;
