/**
 * Plans a build from appveyor.yml text and a trigger: load, check, honour skip
 * markers, choose the configuration for the branch, apply its filters, expand
 * the matrix and plan each job. It never throws: an unexpected failure becomes
 * a located error.
 */
import { bakeIntentOf } from './bake.ts';
import type { Config } from './config.ts';
import { DiagnosticSink, parseErrorMessage } from './diagnostics.ts';
import { checkDocument } from './document.ts';
import { mergeVariables } from './environment.ts';
import { filterReason, skipMarkerReason } from './filters.ts';
import { noteIgnoredSettings } from './ignored-settings.ts';
import { defaultImage, platformOfImage } from './image-platform.ts';
import { loadYaml } from './load.ts';
import {
  cellMatchesAny,
  cellName,
  expandMatrix,
  type MatrixCell,
  matrixSize,
  maxJobsPerBuild,
} from './matrix.ts';
import { mergeBlock } from './merge.ts';
import { planPhases } from './phases.ts';
import type {
  BuildPlan,
  Diagnostic,
  JobPlan,
  PlanResult,
  Platform,
  Trigger,
} from './plan.ts';
import { matrixBlockRules } from './schema.ts';
import { matrixBlocks, selectConfig } from './select.ts';
import { readConfig } from './validate.ts';
import { defaultVersionFormat } from './version.ts';
import { entryOf, type YamlMap } from './yaml-node.ts';

/** How to plan: the file name for messages, and the operator's image defaults. */
export interface PlanOptions {
  /** Named in diagnostics; default `appveyor.yml`. */
  readonly file?: string;
  /** The image of jobs that name none; default `Visual Studio 2015`. */
  readonly defaultImage?: string;
  /** Platform of images the name alone does not tell (custom images). */
  readonly imagePlatform?: (image: string) => Platform | undefined;
}

/** A `for: - matrix:` block: its own reading, and the job config it makes, once. */
interface MatrixBlock {
  readonly node: YamlMap;
  readonly config: Config;
  merged?: Config;
}

/** The keys whose lists multiply into the matrix, in the order an error names them. */
const matrixKeys = ['environment', 'image', 'platform', 'configuration'];

function rejected(sink: DiagnosticSink): PlanResult {
  return { kind: 'rejected', errors: sink.errors };
}

function skipped(reason: string, sink: DiagnosticSink): PlanResult {
  return { kind: 'skipped', reason, warnings: sink.warnings };
}

/** One note per thing not run, at the first place it is written, in file order. */
function firstOfEach(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const inFileOrder = [...diagnostics].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );

  return inFileOrder.filter((diagnostic) => {
    if (seen.has(diagnostic.message)) return false;
    seen.add(diagnostic.message);

    return true;
  });
}

function blockFor(cell: MatrixCell, blocks: readonly MatrixBlock[]) {
  return blocks.find(({ config }) => {
    const only =
      config.matrixOnly.length === 0 || cellMatchesAny(cell, config.matrixOnly);

    return only && !cellMatchesAny(cell, config.matrixExcept);
  });
}

function noteAutomaticModes(config: Config, notes: DiagnosticSink): void {
  const top = { line: 1, column: 1 };
  if (!config.buildOff && !config.scripts.build_script?.length) {
    notes.skip(
      "No build_script and build is not off: MSBuild's automatic build is not run",
      top,
    );
  }
  if (!config.testOff && !config.scripts.test_script?.length) {
    notes.skip(
      'No test_script and test is not off: automatic test discovery is not run',
      top,
    );
  }
}

interface JobContext {
  readonly base: Config;
  readonly selected: YamlMap;
  readonly blocks: readonly MatrixBlock[];
  readonly trigger: Trigger;
  readonly options: PlanOptions;
  /** What the jobs' configurations accept and Bakehouse does not run. */
  readonly notes: DiagnosticSink;
}

function planJob(cell: MatrixCell, id: number, context: JobContext): JobPlan | undefined {
  const { base, selected, blocks, trigger, options, notes } = context;
  const block = blockFor(cell, blocks);
  if (block && !block.merged) {
    const merged = mergeBlock(selected, block.node, matrixBlockRules);
    block.merged = readConfig(merged, notes);
  }
  const config = block?.merged ?? base;
  if (block && filterReason(config, trigger) !== undefined) return undefined;

  const environment = mergeVariables(
    mergeVariables(base.environment.global, cell.row),
    block?.config.environment.global ?? [],
  );
  const platform = options.imagePlatform?.(cell.image) ?? platformOfImage(cell.image);
  const disablePs = environment.find(
    (variable) => variable.name.toUpperCase() === 'APPVEYOR_YML_DISABLE_PS_LINUX',
  );
  const phases = planPhases(
    config.scripts,
    {
      platform,
      pullRequest: trigger.pullRequest !== undefined,
      disablePsOnLinux: disablePs?.value.trim().toLowerCase() === 'true',
    },
    notes,
  );
  noteAutomaticModes(config, notes);

  return {
    id: String(id),
    name: cellName(cell),
    image: cell.image,
    platform,
    buildPlatform: cell.buildPlatform,
    configuration: cell.configuration,
    environment,
    phases,
    allowFailure: cellMatchesAny(cell, base.allowFailures),
    cloneFolder: config.cloneFolder,
    cloneDepth: config.shallowClone ? undefined : config.cloneDepth,
    shallowClone: config.shallowClone,
    cache: config.cache,
    services: config.services,
    stack: config.stack,
    hosts: config.hosts,
    bake: bakeIntentOf(environment, phases),
    artifacts: config.artifacts,
  };
}

function plan(text: string, trigger: Trigger, options: PlanOptions): PlanResult {
  const { root, sink } = loadYaml(text, options.file ?? 'appveyor.yml');
  if (sink.errors.length > 0) return rejected(sink);
  const tree: YamlMap =
    root?.kind === 'map' ? root : { kind: 'map', entries: [], line: 1, column: 1 };
  checkDocument(root ?? tree, sink);
  if (sink.errors.length > 0) return rejected(sink);

  const marker = skipMarkerReason(trigger);
  if (marker) return skipped(marker, sink);
  const selection = selectConfig(root ?? tree, trigger.tag ?? trigger.branch ?? '');
  if ('skip' in selection) return skipped(selection.skip, sink);
  const notes = new DiagnosticSink(sink.file);
  const base = readConfig(selection.config, notes);
  const reason = filterReason(base, trigger);
  if (reason) return skipped(reason, sink);

  noteIgnoredSettings(selection.config, notes);
  const blocks = matrixBlocks(selection.config).map((node) => ({
    node,
    config: readConfig(node, new DiagnosticSink(sink.file), 'for'),
  }));
  const context = { base, selected: selection.config, blocks, trigger, options, notes };
  const size = matrixSize(base);
  if (size > maxJobsPerBuild) {
    const at = matrixKeys.flatMap((key) => entryOf(selection.config, key) ?? [])[0];
    const reason =
      `The matrix makes ${size} jobs (before matrix.exclude); ` +
      `a build runs at most ${maxJobsPerBuild}`;
    sink.error(reason, at?.keyAt ?? { line: 1, column: 1 });

    return rejected(sink);
  }
  const cells = expandMatrix(base, options.defaultImage ?? defaultImage);
  if (cells.length === 0) return skipped('matrix.exclude removes every job', sink);
  const jobs: JobPlan[] = [];
  for (const cell of cells) {
    const job = planJob(cell, jobs.length + 1, context);
    if (job) jobs.push(job);
  }
  if (jobs.length === 0)
    return skipped('every job is filtered out by its for: block', sink);

  const build: BuildPlan = {
    kind: 'build',
    jobs,
    versionFormat: base.version ?? defaultVersionFormat,
    fastFinish: base.fastFinish,
    maxJobs: base.maxJobs,
    doNotIncrementBuildNumberOnPullRequests: base.doNotIncrementBuildNumberOnPullRequests,
    warnings: sink.warnings,
    notRun: firstOfEach(notes.notRun),
  };

  return build;
}

/**
 * Plans the build that `trigger` starts with this appveyor.yml text: a build
 * with its jobs, a skip with its reason, or the located errors.
 */
export function planBuild(
  configText: string,
  trigger: Trigger,
  options: PlanOptions = {},
): PlanResult {
  try {
    return plan(configText, trigger, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = parseErrorMessage(`unexpected failure: ${reason}`, {
      line: 1,
      column: 1,
    });
    const file = options.file ?? 'appveyor.yml';

    return { kind: 'rejected', errors: [{ file, message, line: 1, column: 1 }] };
  }
}
