/**
 * Reads the filter sections: `branches`, `skip_commits` / `only_commits`, and
 * the conditions of `matrix:` (`allow_failures`, `exclude`, `only`, `except`).
 */
import type { BranchFilter, CommitFilter, MatrixCondition, Pattern } from './config.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import { readPattern } from './patterns.ts';
import { readString, readStringList } from './read-values.ts';
import { isNull, type YamlMap, type YamlNode } from './yaml-node.ts';

/**
 * Reads a map section, warning about keys not in `known` (any key goes when
 * `known` is undefined); undefined when the node is not a map.
 */
export function readSection(
  node: YamlNode,
  key: string,
  known: readonly string[] | undefined,
  sink: DiagnosticSink,
): YamlMap | undefined {
  if (isNull(node)) return undefined;
  if (node.kind !== 'map') {
    const of = known ? ` of ${known.join(', ')}` : '';
    sink.error(`"${key}" must be a map${of}`, node, key);

    return undefined;
  }
  for (const entry of node.entries) {
    if (known && !known.includes(entry.key)) {
      sink.warn(`Unknown key "${key}.${entry.key}" is ignored`, entry.keyAt, key);
    }
  }

  return node;
}

/** Reads a pattern or a list of them; an invalid one is located at its item. */
function readPatterns(node: YamlNode, path: string, sink: DiagnosticSink): Pattern[] {
  const texts = readStringList(node, path, sink);
  const itemOf = (text: string) =>
    node.kind === 'seq'
      ? node.items.find((item) => item.kind === 'scalar' && item.text === text)
      : undefined;

  return texts.flatMap(
    (text) => readPattern(text, itemOf(text) ?? node, path, sink) ?? [],
  );
}

/** Reads `branches: { only, except }`. */
export function readBranches(
  node: YamlNode,
  sink: DiagnosticSink,
): BranchFilter | undefined {
  const map = readSection(node, 'branches', ['only', 'except'], sink);
  if (!map) return undefined;
  const part = (name: string) => {
    const value = map.entries.find((entry) => entry.key === name)?.value;

    return value ? readPatterns(value, `branches.${name}`, sink) : [];
  };

  return { only: part('only'), except: part('except') };
}

/** Reads `skip_commits` or `only_commits`. */
export function readCommitFilter(
  node: YamlNode,
  key: string,
  sink: DiagnosticSink,
): CommitFilter | undefined {
  const map = readSection(node, key, ['message', 'author', 'files'], sink);
  if (!map) return undefined;
  let message: Pattern | undefined;
  let author: Pattern | undefined;
  let files: string[] = [];
  for (const { key: name, value } of map.entries) {
    const path = `${key}.${name}`;
    if (isNull(value)) continue;
    if (name === 'files') {
      const list = readStringList(value, path, sink);
      files = value.kind === 'scalar' ? list.flatMap((text) => text.split(/\s+/)) : list;
      files = files.filter((file) => file !== '');
    } else if (name === 'message' || name === 'author') {
      const text = readString(value, path, sink);
      const pattern =
        text === undefined ? undefined : readPattern(text, value, path, sink);
      if (name === 'message') message = pattern;
      else author = pattern;
    }
  }

  return { message, author, files };
}

/** Reads a list of conditions, each a map of key to value. */
export function readConditions(
  node: YamlNode,
  path: string,
  sink: DiagnosticSink,
): MatrixCondition[] {
  if (isNull(node)) return [];
  const items = node.kind === 'seq' ? node.items : [node];

  return items.flatMap((item, index) => {
    if (isNull(item)) return [];
    if (item.kind !== 'map') {
      sink.error(`"${path}[${index}]" must be a map of conditions`, item, path);

      return [];
    }
    const condition: Record<string, string> = {};
    for (const entry of item.entries) {
      const text = readString(entry.value, `${path}[${index}].${entry.key}`, sink);
      if (text !== undefined) condition[entry.key] = text;
    }

    return [condition];
  });
}
