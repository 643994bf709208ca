import { readFileSync } from 'node:fs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { nagAcknowledgements } from '../../infra/nag-acknowledgements.ts';
import { bakehouseStack } from './stack-fixture.ts';

describe('the Bakehouse stack under cdk-nag AwsSolutions', () => {
  it('has no finding left unacknowledged', () => {
    const { stack } = bakehouseStack();

    const report = new AwsSolutionsChecks().validateScope(stack);

    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} on ${r.constructPath}`),
    );
    expect(findings).toEqual([]);
  });
});

describe('the README section on cdk-nag', () => {
  it('gives the reason of every acknowledgement', () => {
    const { stack } = bakehouseStack();
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section =
      readme.split('## Security review (cdk-nag)')[1]?.split('\n## ')[0] ?? '';

    const missing = nagAcknowledgements(stack.bakehouse)
      .map((a) => a.reason)
      .filter((reason) => !section.includes(reason));

    expect(section).not.toBe('');
    expect(missing).toEqual([]);
  });
});
