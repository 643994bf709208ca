/**
 * The artifact parts of a bash phase script: `appveyor PushArtifact`, which
 * stores one file in the job's artifact store (a copy into a local folder,
 * or an upload with curl to an S3 presigned POST), the collection of an
 * `artifacts:` entry at the end of after_test, and the file that tells the
 * command where the store is. Folders are stored as `<folder>.tar.gz`:
 * Canonical's Ubuntu images have tar and gzip, and no zip.
 */
import {
  maxArtifactBytes,
  maxArtifactFileNameLength,
  maxArtifactSegmentBytes,
  maxArtifactsPerJob,
} from '../artifacts/names.ts';
import type { ArtifactSpec } from '../config/plan.ts';
import type { ArtifactUpload } from '../ports/artifact-store.ts';
import { bashQuote as q } from './quoting.ts';

/**
 * The `push_artifact` function of the `appveyor` command: checks the file,
 * its name (relative and `/`-separated; a backslash reads as `/`), the name,
 * size and count limits, stores it, and leaves a record for the phase
 * script. A copy into a folder goes through a short temporary name, so that
 * a segment of the most bytes a name may have still fits.
 */
export const pushArtifactFunction = `byte_length() { local LC_ALL=C; printf -v "$1" %d "\${#2}"; }
push_artifact() {
  local path=\${positional[0]-} file_name name type size count=0 known=false line
  local target status answer segment bytes segments=()
  [ -n "$path" ] || fail "PushArtifact needs the path of a file"
  [ -f "$path" ] || fail "PushArtifact: '$path' is not a file (in $PWD)"
  file_name=\${options[-filename]-\${path##*/}}
  file_name=\${file_name//\\\\//}
  while [[ $file_name == /* || $file_name == ./* ]]; do
    file_name=\${file_name#/} file_name=\${file_name#./}
  done
  case /$file_name/ in
    //|*//*|*/./*|*/../*)
      fail "PushArtifact: '$file_name' cannot name an artifact (empty, . or .. segment)" ;;
  esac
  [[ $file_name != *[[:cntrl:]]* ]] ||
    fail "PushArtifact: the file name of '$path' holds a control character"
  name=\${options[-deploymentname]-}
  type=\${options[-type]:-Auto}
  [ -f "$dir/artifact-store.sh" ] || fail "PushArtifact: this phase has no artifact store"
  . "$dir/artifact-store.sh"
  (( \${#file_name} <= __bh_store_max_name )) ||
    fail "PushArtifact: '$file_name' is longer than $__bh_store_max_name characters"
  IFS=/ read -ra segments <<< "$file_name"
  for segment in "\${segments[@]}"; do
    byte_length bytes "$segment"
    (( bytes <= __bh_store_max_segment )) ||
      fail "PushArtifact: a segment of '$file_name' is $bytes bytes, over the" \\
        "$__bh_store_max_segment bytes a file system holds in one name"
  done
  size=$(wc -c < "$path") || fail "PushArtifact: '$path' cannot be read"
  size=\${size//[!0-9]/}
  (( size <= __bh_store_max_bytes )) ||
    fail "PushArtifact: '$path' is $size bytes, over the limit of $__bh_store_max_bytes"
  if [ -f "$dir/artifacts.pushed" ]; then
    while IFS= read -r line; do
      count=$((count + 1))
      [ "$line" = "$file_name" ] && known=true
    done < "$dir/artifacts.pushed"
  fi
  [ "$known" = true ] || (( count < __bh_store_max_count )) ||
    fail "PushArtifact: '$file_name' would be artifact $((count + 1)) of the job;" \\
      "the most is $__bh_store_max_count"
  case $__bh_store_kind in
    folder)
      target=$__bh_store_folder/$file_name
      mkdir -p -- "\${target%/*}" && cp -- "$path" "\${target%/*}/.pushing.$$" &&
        mv -f -- "\${target%/*}/.pushing.$$" "$target" ||
        fail "PushArtifact: '$path' could not be copied to $target" ;;
    post)
      command -v curl > /dev/null 2>&1 ||
        fail "PushArtifact needs curl, which is not installed on this runner"
      ln -sfn -- "$(cd -- "$(dirname -- "$path")" && pwd)/\${path##*/}" "$dir/upload.file" ||
        fail "PushArtifact: '$path' cannot be linked for the upload"
      status=$(curl -sS --retry 3 -o "$dir/upload.answer" -w '%{http_code}' \\
        "\${__bh_store_fields[@]}" --form-string "key=$__bh_store_prefix$file_name" \\
        -F "file=@$dir/upload.file" "$__bh_store_url")
      answer=$(cat "$dir/upload.answer" 2> /dev/null)
      answer=\${answer//[$'\\r\\n']/ }
      rm -f "$dir/upload.file" "$dir/upload.answer"
      [[ $status == 2?? ]] ||
        fail "PushArtifact: the store answered \${status:-nothing} for '$file_name':" \\
          "\${answer:0:300}" ;;
    *) fail "PushArtifact: the artifact store of this phase is of no known kind" ;;
  esac
  [ "$known" = true ] || printf '%s\\n' "$file_name" >> "$dir/artifacts.pushed"
  quote qfile "$file_name"; quote qname "$name"; quote qtype "$type"; quote qpath "$path"
  printf '__bh_artifact %s %s %s %s %s\\n' "$qfile" "$qname" "$qtype" "$size" "$qpath" \\
    >> "$dir/artifacts.pending"
  echo "Artifact $file_name ($size bytes) pushed."
}
`;

/**
 * The phase script's functions for artifacts: `__bh_artifact` adds a pushed
 * file to the report; `__bh_collect` pushes what one `artifacts:` entry
 * names, relative to the clone folder: a file, every file a wildcard
 * matches (`*`, `?`, `**`), or a folder as one `.tar.gz`. `$(NAME)` in a
 * path is replaced by the variable's value; a path that matches nothing
 * leaves a warning, as AppVeyor does, and fails nothing.
 */
export const artifactFunctions = `__bh_artifact() {
  local file name type path
  __bh_json file "$1"; __bh_json name "$2"; __bh_json type "$3"; __bh_json path "$5"
  __bh_artifacts+="\${__bh_artifacts:+,}{\\"fileName\\":$file\${2:+,\\"name\\":$name}"
  __bh_artifacts+=",\\"type\\":$type,\\"size\\":$4,\\"path\\":$path}"
}
__bh_expand() {
  local rest=$2 out='' var known
  while [[ $rest =~ \\$\\(([A-Za-z_][A-Za-z0-9_]*)\\) ]]; do
    var=\${BASH_REMATCH[1]}
    if [ -z "\${!var+x}" ]; then
      for known in $(compgen -e); do
        if [ "\${known,,}" = "\${var,,}" ]; then var=$known; break; fi
      done
    fi
    out+=\${rest%%"\${BASH_REMATCH[0]}"*}\${!var-}
    rest=\${rest#*"\${BASH_REMATCH[0]}"}
  done
  printf -v "$1" '%s' "$out$rest"
}
__bh_collect() {
  local written=$1 name=$2 type=$3 pattern PATH=$__bh_path
  __bh_expand pattern "\${written//\\\\//}"
  while [[ $pattern == /* || $pattern == ./* ]]; do
    pattern=\${pattern#/} pattern=\${pattern#./}
  done
  case /$pattern/ in
    */../*)
      echo "Warning: artifact path '$written' leaves the clone folder; it is skipped."
      appveyor AddMessage "Artifact path '$written' leaves the clone folder; it is skipped" \\
        -Category Warning
      return ;;
  esac
  (
    cd -- "$APPVEYOR_BUILD_FOLDER" || exit
    shopt -s globstar nullglob
    IFS=
    found=0
    if [[ $pattern == *[*?[]* ]]; then
      for match in $pattern; do
        [ -f "$match" ] || continue
        found=1
        appveyor PushArtifact "$match" -FileName "$match" -DeploymentName "$name" \\
          -Type "$type" || exit
      done
    elif [ -d "$pattern" ]; then
      found=1
      archive=$__bh_dir/archives/\${pattern%/}.tar.gz
      mkdir -p -- "\${archive%/*}" && tar -czf "$archive" -C "$pattern" . &&
        appveyor PushArtifact "$archive" -FileName "\${pattern%/}.tar.gz" \\
          -DeploymentName "$name" -Type "$type"
      status=$?
      rm -rf -- "$__bh_dir/archives"
      exit "$status"
    elif [ -f "$pattern" ]; then
      found=1
      appveyor PushArtifact "$pattern" -FileName "$pattern" -DeploymentName "$name" \\
        -Type "$type" || exit
    fi
    if [ "$found" = 0 ]; then
      echo "Warning: artifact path '$written' matched no file; nothing is pushed for it."
      appveyor AddMessage "Artifact path '$written' matched no file; nothing is pushed for it" \\
        -Category Warning
    fi
  )
}
`;

/** The file (`artifact-store.sh`) that tells `appveyor PushArtifact` where to store. */
export function artifactStoreScript(upload: ArtifactUpload): string {
  const limits = [
    `__bh_store_max_bytes=${maxArtifactBytes}`,
    `__bh_store_max_count=${maxArtifactsPerJob}`,
    `__bh_store_max_name=${maxArtifactFileNameLength}`,
    `__bh_store_max_segment=${maxArtifactSegmentBytes}`,
  ];
  if (upload.kind === 'folder') {
    return [
      '__bh_store_kind=folder',
      `__bh_store_folder=${q(upload.folder)}`,
      ...limits,
    ].join('\n');
  }
  const fields = Object.entries(upload.fields).map(
    ([name, value]) => `  --form-string ${q(`${name}=${value}`)}`,
  );

  return [
    '__bh_store_kind=post',
    `__bh_store_url=${q(upload.url)}`,
    `__bh_store_prefix=${q(upload.keyPrefix)}`,
    '__bh_store_fields=(',
    ...fields,
    ')',
    ...limits,
  ].join('\n');
}

/** The lines of after_test that collect a job's `artifacts:` entries, one step each. */
export function collectionSteps(artifacts: readonly ArtifactSpec[]): [string, string][] {
  return artifacts.map((a) => [
    `collect artifacts: ${a.path}`,
    `__bh_collect ${q(a.path)} ${q(a.name ?? '')} ${q(a.type ?? '')}`,
  ]);
}
