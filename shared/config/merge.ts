/**
 * Merges a `for:` block into the configuration it overrides, node by node so
 * that every value keeps its place in the file. Scalars, lists and script
 * sections are replaced; `environment` variables merge (the block wins);
 * `matrix` settings merge key by key; the collections the block may extend
 * (`deploy`, `artifacts`, `notifications` in a branches block) grow by a list,
 * are replaced by a single map, and are cleared by `off` or `none`.
 */
import { isOff } from './read-values.ts';
import { isNull, type YamlEntry, type YamlMap, type YamlNode } from './yaml-node.ts';

/** How a block merges: what it may not set, and what it extends. */
export interface MergeRules {
  /** The block's keys left out (AppVeyor ignores them there). */
  readonly ignored: ReadonlySet<string>;
  /** Collections a list in the block extends rather than replaces. */
  readonly extended: ReadonlySet<string>;
  /** When true the block cannot change the environment matrix. */
  readonly keepRows?: boolean;
}

interface EnvironmentParts {
  readonly globals: readonly YamlEntry[];
  readonly matrix?: YamlEntry;
}

function environmentParts(node: YamlNode | undefined): EnvironmentParts {
  if (node?.kind !== 'map') return { globals: [] };
  const globals: YamlEntry[] = [];
  let matrix: YamlEntry | undefined;
  for (const entry of node.entries) {
    if (entry.key === 'matrix') matrix = entry;
    else if (entry.key === 'global' && entry.value.kind === 'map') {
      globals.push(...entry.value.entries);
    } else if (entry.key !== 'global' || !isNull(entry.value)) globals.push(entry);
  }

  return { globals, matrix };
}

function mergeEnvironment(base: YamlNode | undefined, over: YamlNode, keepRows: boolean) {
  const from = environmentParts(base);
  const to = environmentParts(over);
  const names = new Set(to.globals.map((entry) => entry.key.toLowerCase()));
  const globals = from.globals.filter((entry) => !names.has(entry.key.toLowerCase()));
  const matrix = keepRows ? from.matrix : (to.matrix ?? from.matrix);
  const entries = [...globals, ...to.globals, ...(matrix ? [matrix] : [])];
  const merged: YamlMap = { kind: 'map', entries, line: over.line, column: over.column };

  return merged;
}

function mergeMaps(base: YamlNode | undefined, over: YamlNode): YamlNode {
  if (base?.kind !== 'map' || over.kind !== 'map') return over;
  const keys = new Set(over.entries.map((entry) => entry.key));
  const entries = [
    ...base.entries.filter((entry) => !keys.has(entry.key)),
    ...over.entries,
  ];

  return { ...over, entries };
}

/** A collection extended by a list, replaced by a map, cleared by `off`/`none`. */
function mergeCollection(base: YamlNode | undefined, over: YamlNode): YamlNode {
  if (over.kind !== 'seq' || !base || isNull(base) || isOff(base)) return over;
  const items = [...(base.kind === 'seq' ? base.items : [base]), ...over.items];

  return { ...over, items };
}

/** Returns `base` overridden by `block` under the rules of its kind of block. */
export function mergeBlock(base: YamlMap, block: YamlMap, rules: MergeRules): YamlMap {
  const entries = [...base.entries];
  for (const entry of block.entries) {
    if (rules.ignored.has(entry.key)) continue;
    const index = entries.findIndex((own) => own.key === entry.key);
    const current = index === -1 ? undefined : entries[index]?.value;
    let value = entry.value;
    const keepRows = rules.keepRows ?? false;
    if (entry.key === 'environment') value = mergeEnvironment(current, value, keepRows);
    if (entry.key === 'matrix') value = mergeMaps(current, value);
    if (rules.extended.has(entry.key)) value = mergeCollection(current, value);
    const merged = { ...entry, value };
    if (index === -1) entries.push(merged);
    else entries[index] = merged;
  }

  return { ...base, entries };
}
