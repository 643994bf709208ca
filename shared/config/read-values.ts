/**
 * Typed readers for single values of appveyor.yml. Each reports a located
 * error when the node is of the wrong type and returns undefined then. YAML 1.1
 * spellings (yes/no/on/off) count as booleans here, where a boolean is expected,
 * and nowhere else.
 */
import type { DiagnosticSink } from './diagnostics.ts';
import { isNull, type YamlNode } from './yaml-node.ts';

const truthy = new Set(['true', 'yes', 'y', 'on']);
const falsy = new Set(['false', 'no', 'n', 'off']);

/** Reads a scalar as text (numbers and booleans as written). */
export function readString(
  node: YamlNode,
  key: string,
  sink: DiagnosticSink,
): string | undefined {
  if (node.kind === 'scalar') return node.text;
  sink.error(`"${key}" value must be a string`, node, key);

  return undefined;
}

/** Reads a boolean, accepting the YAML 1.1 spellings AppVeyor accepts. */
export function readBoolean(
  node: YamlNode,
  key: string,
  sink: DiagnosticSink,
): boolean | undefined {
  if (isNull(node)) return undefined;
  const text = node.kind === 'scalar' ? node.text.trim().toLowerCase() : undefined;
  if (text !== undefined && truthy.has(text)) return true;
  if (text !== undefined && falsy.has(text)) return false;
  sink.error(`"${key}" value must be a boolean (true or false)`, node, key);

  return undefined;
}

/** Reads a non-negative integer, or one of at least `least`. */
export function readInteger(
  node: YamlNode,
  key: string,
  sink: DiagnosticSink,
  least = 0,
): number | undefined {
  if (isNull(node)) return undefined;
  if (node.kind !== 'scalar' || !/^\s*\+?\d{1,9}\s*$/.test(node.text)) {
    sink.error(`"${key}" value must be an integer`, node, key);
    return undefined;
  }
  const value = Number.parseInt(node.text, 10);
  if (value < least) {
    sink.error(`"${key}" value must be an integer of at least ${least}`, node, key);
    return undefined;
  }

  return value;
}

/** Reads a string or a list of strings (`a` and `[a, b]` alike); nulls drop out. */
export function readStringList(
  node: YamlNode,
  key: string,
  sink: DiagnosticSink,
): string[] {
  if (isNull(node)) return [];
  if (node.kind === 'scalar') return [node.text];
  if (node.kind === 'map') {
    sink.error(`"${key}" value must be a string or a list of strings`, node, key);

    return [];
  }

  return node.items.flatMap((item, index) => {
    if (isNull(item)) return [];
    const text = readString(item, `${key}[${index}]`, sink);

    return text === undefined ? [] : [text];
  });
}

/** True when the node is `off`, `false` or `none`, the ways to switch a section off. */
export function isOff(node: YamlNode): boolean {
  if (node.kind !== 'scalar') return false;
  const text = node.text.trim().toLowerCase();

  return text === 'off' || text === 'false' || text === 'none' || text === 'no';
}
