/**
 * Checks a whole appveyor.yml before any part of it is chosen: every
 * configuration of a top-level list and every `for:` block is read, so a type
 * error anywhere rejects the file, whatever the branch.
 */
import type { DiagnosticSink } from './diagnostics.ts';
import { readConfig } from './validate.ts';
import { isNull, lookup, type YamlMap, type YamlNode } from './yaml-node.ts';

function checkForBlocks(map: YamlMap, sink: DiagnosticSink): void {
  const blocks = lookup(map, 'for');
  if (blocks?.kind !== 'seq') return;
  blocks.items.forEach((block, index) => {
    if (isNull(block)) return;
    if (block.kind !== 'map') {
      sink.error(`"for[${index}]" must be a map of settings`, block, 'for');

      return;
    }
    if (!lookup(block, 'branches') && !lookup(block, 'matrix')) {
      sink.warn('A "for" block without branches or matrix never applies', block, 'for');
    }
    readConfig(block, sink, 'for');
  });
}

function checkConfig(node: YamlNode, sink: DiagnosticSink): void {
  if (node.kind !== 'map') {
    sink.error('A configuration must be a map of settings', node);

    return;
  }
  readConfig(node, sink);
  checkForBlocks(node, sink);
}

/** Reads every configuration of the document, reporting into `sink`. */
export function checkDocument(root: YamlNode, sink: DiagnosticSink): void {
  if (root.kind === 'seq') {
    for (const item of root.items) checkConfig(item, sink);

    return;
  }
  checkConfig(root, sink);
}
