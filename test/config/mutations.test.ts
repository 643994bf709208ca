import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planBuild } from '../../shared/config/planner.ts';
import { corpusFiles, corpusText, push } from './corpus.ts';

const texts = corpusFiles.map(corpusText);
const yamlish = [
  ':',
  '-',
  ' ',
  '  ',
  '\t',
  '"',
  "'",
  '&a',
  '*a',
  '\n',
  '{',
  '[',
  '|',
  '>',
  '#',
  '!',
  '%',
  '<<: *a',
  'on',
  'yes',
  '~',
];

/** One edit of a text: delete, insert YAML-significant characters, duplicate or shift a line. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(...yamlish),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('indent' as const),
    at: fc.nat(),
    by: fc.integer({ min: -4, max: 4 }),
  }),
);

type Edit = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, edit: Edit): string {
  const at = text.length === 0 ? 0 : edit.at % text.length;
  if (edit.kind === 'delete') return text.slice(0, at) + text.slice(at + edit.length);
  if (edit.kind === 'insert') return text.slice(0, at) + edit.text + text.slice(at);
  const lines = text.split('\n');
  const index = lines.length === 0 ? 0 : edit.at % lines.length;
  const line = lines[index] ?? '';
  if (edit.kind === 'duplicate') lines.splice(index, 0, line);
  else lines[index] = edit.by > 0 ? ' '.repeat(edit.by) + line : line.slice(-edit.by);

  return lines.join('\n');
}

const located = /^Error parsing appveyor\.yml: .+ \(Line: \d+, Column: \d+\)$/;

describe('planBuild on mutated corpus files', () => {
  it('always answers a plan, a skip or a located error, and never throws', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: texts.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (index, edits) => {
          const text = edits.reduce(apply, texts[index] ?? '');
          const result = planBuild(text, push());

          if (result.kind === 'build') expect(result.jobs.length).toBeGreaterThan(0);
          if (result.kind === 'skipped') expect(result.reason).not.toBe('');
          if (result.kind === 'rejected') {
            expect(result.errors.length).toBeGreaterThan(0);
            for (const error of result.errors) {
              expect(error.message).toMatch(located);
              expect(error.message).not.toContain('unexpected failure');
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
