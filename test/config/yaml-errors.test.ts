import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../shared/config/plan.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildOf, corpusText, push } from './corpus.ts';

/** The errors of a config that must be rejected, as `line:column reason`. */
function errorsOf(yaml: string): string[] {
  const result = planBuild(yaml, push());
  if (result.kind !== 'rejected')
    throw new Error(`expected a rejection, got ${result.kind}`);

  return result.errors.map(located);
}

function located(diagnostic: Diagnostic): string {
  const reason = diagnostic.message
    .replace(/^Error parsing appveyor\.yml: /, '')
    .replace(/ \(Line: \d+, Column: \d+\)$/, '');

  return `${diagnostic.line}:${diagnostic.column} ${reason}`;
}

describe('loading appveyor.yml: where syntax errors are placed', () => {
  it('places a mis-indented key at the key, not at the indentation before it', () => {
    expect(errorsOf('version: 1\ninstall:\n  - a\n build: off\n')).toEqual([
      '4:2 All mapping items must start at the same column',
    ]);
  });

  it("places QuickIO's mis-indented build: at 37:2, past the whitespace-only line 36", () => {
    expect(errorsOf(corpusText('SchwabenCode__QuickIO__appveyor.yaml'))).toEqual([
      '37:2 All mapping items must start at the same column',
    ]);
  });

  it("reports Jackblanket's scalar-then-nested-keys environment once, at the scalar", () => {
    expect(errorsOf(corpusText('Jackblanket847__electron__appveyor-bake.yml'))).toEqual([
      '10:14 Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('says in its own words that one YAML document is allowed, at the second one', () => {
    expect(errorsOf('version: 1\n---\nversion: 2\n')).toEqual([
      '2:1 Only one YAML document is allowed; a second one starts here',
    ]);
  });

  it('places a missing closing quote at the opening quote, not at the end of the file', () => {
    expect(errorsOf('version: "1.0\ninstall:\n  - a\n')).toEqual([
      '1:10 Missing closing "quote',
    ]);
    expect(errorsOf("install:\n  - 'echo\n")).toEqual(["2:5 Missing closing 'quote"]);
  });

  it('rejects an alias to no anchor, at the alias', () => {
    expect(errorsOf('init:\n  - *nope\n')).toEqual([
      '2:5 Alias *nope refers to no anchor',
    ]);
  });

  it('keeps two separate causes on separate lines as two errors', () => {
    expect(errorsOf('a: 1\na: 2\nb: 1\nb: 2\n')).toEqual([
      "2:1 Duplicate key 'a'",
      "4:1 Duplicate key 'b'",
    ]);
  });
});

describe('loading appveyor.yml: where values are placed', () => {
  it('places an aliased value at the alias, not at its anchor', () => {
    const plan = buildOf('x: &i echo one\ninit:\n  - *i\n');

    expect(plan.jobs[0]?.phases[0]?.commands[0]).toMatchObject({
      script: 'echo one',
      line: 3,
      column: 5,
    });
  });

  it("places the ninja-style repair warning at the repaired value (ninja-build's 17:11)", () => {
    const result = planBuild(corpusText('ninja-build__ninja__appveyor.yml'), push());

    expect(result.kind === 'build' && result.warnings.map(located)).toEqual([
      '17:11 A double-quoted value continues at its key indentation; read as AppVeyor reads it',
    ]);
  });
});
