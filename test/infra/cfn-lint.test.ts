import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../infra/definition.ts';

/** cfn-lint's version line, or undefined when it is not on PATH. */
function cfnLintVersion(): string | undefined {
  const answer = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });

  return answer.status === 0 ? answer.stdout.trim() : undefined;
}

describe('the synthesized template under cfn-lint', () => {
  // A missing linter fails the test rather than skipping it: CI and `npm test`
  // both need it (README, "Two commands").
  it('has no error, and cfn-lint is there to say so', () => {
    expect(
      cfnLintVersion(),
      'cfn-lint is not on PATH: install it with `pip install cfn-lint`',
    ).toBeDefined();
    const folder = mkdtempSync(path.join(tmpdir(), 'bakehouse-cfn-lint-'));
    const file = path.join(folder, 'Bakehouse.template.json');
    writeFileSync(file, JSON.stringify(synthesizeTemplate()));

    // W3005: CDK writes DependsOn that a GetAtt already implies; harmless.
    const lint = spawnSync(
      'cfn-lint',
      [file, '-f', 'parseable', '--ignore-checks', 'W3005'],
      { encoding: 'utf8' },
    );
    rmSync(folder, { recursive: true, force: true });

    const errors = lint.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
    expect(errors).toEqual([]);
    expect(lint.status === 0 || lint.status === 4 || lint.status === 8).toBe(true);
  });
});
