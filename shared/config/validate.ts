/**
 * Reads one configuration map into a typed {@link Config}, checking every key
 * of AppVeyor's reference: wrong types are located errors, unknown keys
 * warnings, keys Bakehouse does not run are noted as such.
 */
import { hasControlCharacter } from '../text/control.ts';
import type { Config, MatrixCondition, RawCommand } from './config.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import { readEnvironment } from './environment.ts';
import type { CacheEntry, PhaseName } from './plan.ts';
import { readArtifacts } from './read-artifacts.ts';
import {
  readBranches,
  readCommitFilter,
  readConditions,
  readSection,
} from './read-filters.ts';
import { readAutomaticSection, readDeploy } from './read-sections.ts';
import {
  isOff,
  readBoolean,
  readInteger,
  readString,
  readStringList,
} from './read-values.ts';
import {
  notAppliedKeys,
  notRunKeys,
  scriptKeys,
  valueKeys,
  versionInvalidCharacters,
} from './schema.ts';
import { readScript } from './scripts.ts';
import { isNull, type YamlMap, type YamlNode } from './yaml-node.ts';

/** Where a configuration map stands: the top level, or a `for:` block. */
export type ConfigContext = 'root' | 'for';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function emptyConfig(): Mutable<Config> {
  return {
    skipTags: false,
    skipNonTags: false,
    skipBranchWithPr: false,
    images: [],
    platforms: [],
    configurations: [],
    environment: { global: [], matrix: [] },
    fastFinish: false,
    allowFailures: [],
    exclude: [],
    matrixOnly: [],
    matrixExcept: [],
    scripts: {},
    buildOff: false,
    testOff: false,
    shallowClone: false,
    cache: [],
    services: [],
    stack: [],
    hosts: {},
    artifacts: [],
    doNotIncrementBuildNumberOnPullRequests: false,
  };
}

function readCache(node: YamlNode, sink: DiagnosticSink): CacheEntry[] {
  return readStringList(node, 'cache', sink).map((item) => {
    const [path = '', deps] = item.split('->');
    const dependsOn = (deps ?? '').split(',').map((dep) => dep.trim());

    return { path: path.trim(), dependsOn: dependsOn.filter((dep) => dep !== '') };
  });
}

function readHosts(node: YamlNode, sink: DiagnosticSink): Record<string, string> {
  const map = readSection(node, 'hosts', undefined, sink);
  const hosts: Record<string, string> = {};
  for (const entry of map?.entries ?? []) {
    const address = readString(entry.value, `hosts.${entry.key}`, sink);
    if (address !== undefined) hosts[entry.key] = address;
  }

  return hosts;
}

function readVersion(node: YamlNode, sink: DiagnosticSink): string | undefined {
  const version = readString(node, 'version', sink);
  if (version !== undefined && versionInvalidCharacters.test(version)) {
    const reason =
      '"version" cannot contain request path invalid characters: < > * % & : \\';
    sink.error(reason, node, 'version');

    return undefined;
  }

  return version;
}

function readMatrix(
  node: YamlNode,
  config: Mutable<Config>,
  context: ConfigContext,
  sink: DiagnosticSink,
): void {
  const known = ['fast_finish', 'allow_failures', 'exclude'];
  const map = readSection(
    node,
    'matrix',
    context === 'for' ? [...known, 'only', 'except'] : known,
    sink,
  );
  for (const { key, value } of map?.entries ?? []) {
    const path = `matrix.${key}`;
    if (key === 'fast_finish')
      config.fastFinish = readBoolean(value, path, sink) ?? false;
    const conditions = (): MatrixCondition[] => readConditions(value, path, sink);
    if (key === 'allow_failures') config.allowFailures = conditions();
    if (key === 'exclude') config.exclude = conditions();
    if (key === 'only' && context === 'for') config.matrixOnly = conditions();
    if (key === 'except' && context === 'for') config.matrixExcept = conditions();
  }
}

function readValue(
  key: string,
  value: YamlNode,
  config: Mutable<Config>,
  context: ConfigContext,
  sink: DiagnosticSink,
): void {
  switch (key) {
    case 'version':
      config.version = readVersion(value, sink);
      break;
    case 'branches':
      config.branches = readBranches(value, sink);
      break;
    case 'skip_tags':
      config.skipTags = readBoolean(value, key, sink) ?? false;
      break;
    case 'skip_non_tags':
      config.skipNonTags = readBoolean(value, key, sink) ?? false;
      break;
    case 'skip_branch_with_pr':
      config.skipBranchWithPr = readBoolean(value, key, sink) ?? false;
      break;
    case 'skip_commits':
      config.skipCommits = readCommitFilter(value, key, sink);
      break;
    case 'only_commits':
      config.onlyCommits = readCommitFilter(value, key, sink);
      break;
    case 'max_jobs':
      // No job could ever take a slot under a cap of 0.
      config.maxJobs = readInteger(value, key, sink, 1);
      break;
    case 'image':
      config.images = readImages(value, key, sink);
      break;
    case 'os':
      if (config.images.length === 0) config.images = readImages(value, key, sink);
      break;
    case 'platform':
      config.platforms = readStringList(value, key, sink);
      break;
    case 'configuration':
      config.configurations = readStringList(value, key, sink);
      break;
    case 'clone_folder':
      config.cloneFolder = readString(value, key, sink);
      // A path with a control character (NUL, a newline) names no folder git could clone into.
      if (config.cloneFolder !== undefined && hasControlCharacter(config.cloneFolder)) {
        sink.error(
          '"clone_folder" value must be a path without control characters',
          value,
          key,
        );
        config.cloneFolder = undefined;
      }
      break;
    case 'clone_depth':
      config.cloneDepth = readInteger(value, key, sink);
      break;
    case 'shallow_clone':
      config.shallowClone = readBoolean(value, key, sink) ?? false;
      break;
    case 'hosts':
      config.hosts = readHosts(value, sink);
      break;
    case 'environment':
      config.environment = readEnvironment(value, sink);
      break;
    case 'matrix':
      readMatrix(value, config, context, sink);
      break;
    case 'cache':
      config.cache = readCache(value, sink);
      break;
    case 'services':
      config.services = readStringList(value, key, sink);
      break;
    case 'stack':
      config.stack = readStringList(value, key, sink)
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== '');
      break;
    case 'build':
      config.buildOff = readAutomaticSection(value, 'build', sink);
      break;
    case 'test':
      config.testOff = readAutomaticSection(value, 'test', sink);
      break;
    case 'deploy':
      readDeploy(value, sink);
      break;
    case 'artifacts':
      config.artifacts = readArtifacts(value, sink);
      break;
    case 'pull_requests': {
      const map = readSection(value, key, ['do_not_increment_build_number'], sink);
      const flag = map?.entries.find(
        (entry) => entry.key === 'do_not_increment_build_number',
      );
      const path = 'pull_requests.do_not_increment_build_number';
      config.doNotIncrementBuildNumberOnPullRequests = flag
        ? (readBoolean(flag.value, path, sink) ?? false)
        : false;
      if (flag && config.doNotIncrementBuildNumberOnPullRequests) {
        const note = `${path} is not applied: pull-request builds take a build number`;
        sink.skip(note, flag.keyAt, path);
      }
      break;
    }
  }
}

/**
 * Reads a configuration map. `for` blocks are read by the caller (the
 * selector), so a nested `for:` is only checked for shape here.
 */
export function readConfig(
  map: YamlMap,
  sink: DiagnosticSink,
  context: ConfigContext = 'root',
): Config {
  const config = emptyConfig();
  const scripts: Partial<Record<PhaseName, RawCommand[]>> = {};
  for (const { key, keyAt, value } of map.entries) {
    const phase = scriptKeys[key];
    if (phase) scripts[phase] = readScript(value, key, sink);
    else if (notRunKeys[key]) {
      if (!isNull(value) && !isOff(value)) sink.skip(notRunKeys[key], keyAt, key);
    } else if (key === 'for') {
      if (!isNull(value) && value.kind !== 'seq')
        sink.error('"for" must be a list of blocks', value, key);
    } else if (valueKeys.has(key)) {
      readValue(key, value, config, context, sink);
      const note = notAppliedKeys[key];
      if (note && !isNull(value)) sink.skip(note, keyAt, key);
    } else sink.warn(`Unknown key "${key}" is ignored`, keyAt, key);
  }
  config.scripts = scripts;

  return config;
}

/** Reads `image:` (or `os:`); an empty name is a located error, not an image. */
function readImages(value: YamlNode, key: string, sink: DiagnosticSink): string[] {
  const names = readStringList(value, key, sink);
  if (names.some((name) => name.trim() === '')) {
    // At the empty item of a list, else at the value.
    const empty =
      value.kind === 'seq'
        ? value.items.find((item) => item.kind === 'scalar' && item.text.trim() === '')
        : undefined;
    sink.error(`"${key}" names an empty image`, empty ?? value, key);

    return names.filter((name) => name.trim() !== '');
  }

  return names;
}
