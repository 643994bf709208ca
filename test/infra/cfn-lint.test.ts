import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../infra/definition.ts';

const present = spawnSync('cfn-lint', ['--version']).status === 0;
if (!present && process.env.CI)
  throw new Error('cfn-lint is not on PATH, and CI needs it');
if (!present) console.warn('cfn-lint is not on PATH: the template lint is skipped');

describe.skipIf(!present)('the synthesized template under cfn-lint', () => {
  it('has no error', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'bakehouse-cfn-lint-'));
    const file = path.join(folder, 'Bakehouse.template.json');
    writeFileSync(file, JSON.stringify(synthesizeTemplate()));

    // W3005: CDK writes DependsOn that a GetAtt already implies; harmless.
    const lint = spawnSync(
      'cfn-lint',
      [file, '-f', 'parseable', '--ignore-checks', 'W3005'],
      {
        encoding: 'utf8',
      },
    );
    rmSync(folder, { recursive: true, force: true });

    const errors = lint.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
    expect(errors).toEqual([]);
    expect(lint.status === 0 || lint.status === 4 || lint.status === 8).toBe(true);
  });
});
