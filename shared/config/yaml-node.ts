/**
 * The loaded appveyor.yml as a small tree of maps, sequences and scalars, each
 * with its 1-based line and column. Scalars keep their source text, so the
 * config reader decides their type from where they stand (`yes` is a boolean
 * only where AppVeyor expects one, `0755` stays `0755`).
 */
import type { SourcePosition } from './plan.ts';

/** A scalar as written: its text, and whether it was a plain (unquoted) one. */
export interface YamlScalar extends SourcePosition {
  readonly kind: 'scalar';
  readonly text: string;
  readonly plain: boolean;
}

/** One `key: value` pair of a mapping; a missing value is a null scalar. */
export interface YamlEntry {
  readonly key: string;
  readonly keyAt: SourcePosition;
  readonly value: YamlNode;
}

/** A mapping, entries in file order. */
export interface YamlMap extends SourcePosition {
  readonly kind: 'map';
  readonly entries: readonly YamlEntry[];
}

/** A sequence, items in file order. */
export interface YamlSeq extends SourcePosition {
  readonly kind: 'seq';
  readonly items: readonly YamlNode[];
}

/** Any node of the loaded document. */
export type YamlNode = YamlScalar | YamlMap | YamlSeq;

/** True for an empty value, `~` or `null`, written without quotes. */
export function isNull(node: YamlNode): boolean {
  if (node.kind !== 'scalar' || !node.plain) return false;
  const text = node.text.toLowerCase();

  return text === '' || text === '~' || text === 'null';
}

/** The value of `key` in a mapping, if present. */
export function entryOf(map: YamlMap, key: string): YamlEntry | undefined {
  return map.entries.find((entry) => entry.key === key);
}

/** The value node of `key` in a mapping, if present. */
export function lookup(map: YamlMap, key: string): YamlNode | undefined {
  return entryOf(map, key)?.value;
}
