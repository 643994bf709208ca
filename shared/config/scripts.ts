/**
 * Reads a script section (`install:`, `build_script:`...): a list whose items
 * are plain lines or one-key maps `cmd:`, `sh:`, `ps:`, `pwsh:`. A single
 * line or a single map without a list is accepted too, as AppVeyor does.
 */
import type { RawCommand, ScriptForm } from './config.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import { isNull, type YamlNode } from './yaml-node.ts';

const forms = new Set<string>(['cmd', 'sh', 'ps', 'pwsh']);

function readItem(item: YamlNode, path: string, sink: DiagnosticSink): RawCommand[] {
  if (isNull(item)) return [];
  if (item.kind === 'scalar') {
    return [{ form: 'plain', script: item.text, line: item.line, column: item.column }];
  }
  if (item.kind === 'seq') {
    sink.error(`"${path}" must be a script line or a one-key map`, item, path);

    return [];
  }

  return item.entries.flatMap((entry): RawCommand[] => {
    if (entry.key === 'on') {
      const reason =
        'Conditions ("on:") on a script line are not supported; the line always runs';
      sink.warn(reason, entry.keyAt, `${path}.on`);

      return [];
    }
    if (!forms.has(entry.key)) {
      const reason = `"${entry.key}" is not a script type; use cmd, sh, ps or pwsh`;
      sink.error(reason, entry.keyAt, `${path}.${entry.key}`);

      return [];
    }
    if (isNull(entry.value)) return [];
    if (entry.value.kind !== 'scalar') {
      sink.error(`"${entry.key}" script must be a string`, entry.value, path);

      return [];
    }
    const { text, line, column } = entry.value;

    return [{ form: entry.key as ScriptForm, script: text, line, column }];
  });
}

/** Reads the commands of one script section, in file order. */
export function readScript(
  node: YamlNode,
  key: string,
  sink: DiagnosticSink,
): RawCommand[] {
  if (node.kind !== 'seq') return readItem(node, key, sink);

  return node.items.flatMap((item, index) => readItem(item, `${key}[${index}]`, sink));
}
