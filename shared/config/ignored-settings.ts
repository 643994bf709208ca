/**
 * Notes the settings of `for:` blocks that AppVeyor ignores where they stand,
 * so that people learn they have no effect: in a `for: - matrix:` block the
 * version, the matrix dimensions, `matrix:` settings and the environment
 * matrix; in any block a nested `for:`.
 */
import type { DiagnosticSink } from './diagnostics.ts';
import { ignoredInMatrixBlocks } from './schema.ts';
import { isNull, lookup, type YamlEntry, type YamlMap } from './yaml-node.ts';

const matrixSettings = new Set(['fast_finish', 'allow_failures', 'exclude']);

function ignored(entry: YamlEntry, path: string, sink: DiagnosticSink): void {
  sink.skip(
    `"${path}" is ignored in a for: matrix block, as AppVeyor ignores it`,
    entry.keyAt,
    path,
  );
}

function noteMatrixBlock(block: YamlMap, sink: DiagnosticSink): void {
  for (const entry of block.entries) {
    if (entry.key === 'for') continue;
    if (ignoredInMatrixBlocks.has(entry.key)) ignored(entry, entry.key, sink);
    const value = entry.value;
    if (value.kind !== 'map') continue;
    for (const inner of value.entries) {
      const nested =
        (entry.key === 'matrix' && matrixSettings.has(inner.key)) ||
        (entry.key === 'environment' && inner.key === 'matrix');
      if (nested) ignored(inner, `${entry.key}.${inner.key}`, sink);
    }
  }
}

/** Notes the ignored settings of every `for:` block of a configuration. */
export function noteIgnoredSettings(config: YamlMap, sink: DiagnosticSink): void {
  const blocks = lookup(config, 'for');
  if (blocks?.kind !== 'seq') return;
  for (const block of blocks.items) {
    if (block.kind !== 'map') continue;
    const nested = block.entries.find((entry) => entry.key === 'for');
    if (nested && !isNull(nested.value)) {
      sink.skip('A "for" inside a for: block is ignored', nested.keyAt, 'for.for');
    }
    const matrix = lookup(block, 'matrix');
    const selects =
      matrix?.kind === 'map' && (lookup(matrix, 'only') ?? lookup(matrix, 'except'));
    if (selects) noteMatrixBlock(block, sink);
  }
}
