/**
 * Merges a `for:` block into the configuration it overrides, node by node so
 * that every value keeps its place in the file. Scalars, lists and script
 * sections are replaced; `environment` variables merge (the block wins);
 * `matrix` settings merge key by key.
 */
import { isNull, type YamlEntry, type YamlMap, type YamlNode } from './yaml-node.ts';

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

/**
 * Returns `base` overridden by `block`, leaving out the block's keys in
 * `ignored`. With `keepRows`, the block cannot change the environment matrix.
 */
export function mergeBlock(
  base: YamlMap,
  block: YamlMap,
  ignored: ReadonlySet<string>,
  keepRows = false,
): YamlMap {
  const entries = [...base.entries];
  for (const entry of block.entries) {
    if (ignored.has(entry.key)) continue;
    const index = entries.findIndex((own) => own.key === entry.key);
    const current = index === -1 ? undefined : entries[index]?.value;
    let value = entry.value;
    if (entry.key === 'environment') value = mergeEnvironment(current, value, keepRows);
    if (entry.key === 'matrix') value = mergeMaps(current, value);
    const merged = { ...entry, value };
    if (index === -1) entries.push(merged);
    else entries[index] = merged;
  }

  return { ...base, entries };
}
