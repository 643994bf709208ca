/**
 * Chooses the configuration that applies to a branch: from a legacy top-level
 * list of configurations, and then the first matching `for: - branches:`
 * block merged over it.
 */
import type { BranchFilter } from './config.ts';
import { DiagnosticSink } from './diagnostics.ts';
import { mergeBlock } from './merge.ts';
import { patternEquals } from './patterns.ts';
import { readBranches } from './read-filters.ts';
import { branchBlockRules } from './schema.ts';
import { lookup, type YamlMap, type YamlNode } from './yaml-node.ts';

/** The configuration chosen, or why none applies. */
export type Selection = { readonly config: YamlMap } | { readonly skip: string };

function branchesOf(map: YamlMap): BranchFilter | undefined {
  const node = lookup(map, 'branches');

  return node ? readBranches(node, new DiagnosticSink('scratch')) : undefined;
}

function listed(filter: BranchFilter['only'], name: string): boolean {
  return filter.some((pattern) => patternEquals(pattern, name));
}

/** True when the branch passes `branches:` (gh-pages only when listed in `only`). */
export function branchAccepted(filter: BranchFilter | undefined, name: string): boolean {
  const only = filter?.only ?? [];
  if (only.length > 0) return listed(only, name);
  if (name.toLowerCase() === 'gh-pages') return false;

  return !listed(filter?.except ?? [], name);
}

/**
 * Picks from a top-level list: the first configuration whose `only` lists the
 * branch, else the first whose `except` does not, else the first without
 * `branches`, else none.
 */
function selectFromList(configs: readonly YamlMap[], name: string): Selection {
  const filters = configs.map(branchesOf);
  const pick = (test: (filter: BranchFilter | undefined) => boolean) =>
    configs.find((_, index) => test(filters[index]));
  const config =
    pick((filter) => listed(filter?.only ?? [], name)) ??
    pick(
      (filter) => (filter?.except.length ?? 0) > 0 && !listed(filter?.except ?? [], name),
    ) ??
    pick((filter) => filter === undefined);

  return config
    ? { config }
    : { skip: `no configuration of the top-level list applies to '${name}'` };
}

function forBlocks(map: YamlMap, selector: 'branches' | 'matrix'): YamlMap[] {
  const node = lookup(map, 'for');
  if (node?.kind !== 'seq') return [];

  return node.items.filter(
    (item): item is YamlMap =>
      item.kind === 'map' && lookup(item, selector) !== undefined,
  );
}

/** The `for:` blocks of a configuration that select jobs by `matrix:`. */
export function matrixBlocks(map: YamlMap): YamlMap[] {
  return forBlocks(map, 'matrix');
}

/** Selects and merges the configuration for the branch (or tag) `name`. */
export function selectConfig(root: YamlNode, name: string): Selection {
  const configs =
    root.kind === 'seq' ? root.items.filter((item) => item.kind === 'map') : [];
  const selected = root.kind === 'map' ? { config: root } : selectFromList(configs, name);
  if ('skip' in selected) return selected;

  const block = forBlocks(selected.config, 'branches').find((candidate) =>
    branchAccepted(branchesOf(candidate), name),
  );

  return block
    ? { config: mergeBlock(selected.config, block, branchBlockRules) }
    : selected;
}
