import { describe, expect, it } from 'vitest';
import { loadYaml } from '../../shared/config/load.ts';
import { mergeBlock } from '../../shared/config/merge.ts';
import { branchBlockRules, matrixBlockRules } from '../../shared/config/schema.ts';
import { lookup, type YamlMap, type YamlNode } from '../../shared/config/yaml-node.ts';

function mapOf(yaml: string): YamlMap {
  const { root } = loadYaml(yaml);
  if (root?.kind !== 'map') throw new Error('expected a map');

  return root;
}

/** A node as plain data: scalars as text, lists and maps of them. */
function plain(node: YamlNode | undefined): unknown {
  if (node === undefined) return undefined;
  if (node.kind === 'scalar') return node.text;
  if (node.kind === 'seq') return node.items.map(plain);

  return Object.fromEntries(node.entries.map((entry) => [entry.key, plain(entry.value)]));
}

const base = mapOf(
  [
    'artifacts:',
    '  - path: bin',
    'deploy:',
    '  - provider: Local',
    'notifications:',
    '  - provider: Email',
    'install: [echo base]',
  ].join('\n'),
);

describe('mergeBlock: collections of a for: branches block', () => {
  it('extends a collection by a list, replaces it by a map, and clears it by off', () => {
    const block = mapOf(
      [
        'artifacts:',
        '  - path: docs',
        'deploy: off',
        'notifications:',
        '  provider: Slack',
        'install: [echo block]',
      ].join('\n'),
    );

    const merged = mergeBlock(base, block, branchBlockRules);

    expect(plain(lookup(merged, 'artifacts'))).toEqual([
      { path: 'bin' },
      { path: 'docs' },
    ]);
    expect(plain(lookup(merged, 'deploy'))).toBe('off');
    expect(plain(lookup(merged, 'notifications'))).toEqual({ provider: 'Slack' });
    expect(plain(lookup(merged, 'install'))).toEqual(['echo block']);
  });

  it('clears a collection by none as by off', () => {
    const merged = mergeBlock(base, mapOf('artifacts: none\n'), branchBlockRules);

    expect(plain(lookup(merged, 'artifacts'))).toBe('none');
  });
});

describe('mergeBlock: a for: matrix block', () => {
  it('extends notifications and replaces deploy and artifacts', () => {
    const block = mapOf(
      [
        'artifacts:',
        '  - path: docs',
        'deploy:',
        '  - provider: GitHub',
        'notifications:',
        '  - provider: Slack',
      ].join('\n'),
    );

    const merged = mergeBlock(base, block, matrixBlockRules);

    expect(plain(lookup(merged, 'artifacts'))).toEqual([{ path: 'docs' }]);
    expect(plain(lookup(merged, 'deploy'))).toEqual([{ provider: 'GitHub' }]);
    expect(plain(lookup(merged, 'notifications'))).toEqual([
      { provider: 'Email' },
      { provider: 'Slack' },
    ]);
  });
});
