import { describe, expect, it } from 'vitest';
import { planBuild } from '../../shared/config/planner.ts';
import { outcomeOf, push } from './corpus.ts';

describe('branch filter patterns', () => {
  it('locates an invalid regex at its own item of the list', () => {
    const yaml = 'branches:\n  only:\n    - /^v\\d+/\n    - /[unclosed/\n';

    const result = planBuild(yaml, push());

    expect(result.kind === 'rejected' && result.errors).toMatchObject([
      { line: 4, column: 7, path: 'branches.only' },
    ]);
  });

  it('matches a catastrophically backtracking regex in linear time', () => {
    const yaml = 'branches:\n  only:\n    - /(a+)+$/\n';
    const branch = `${'a'.repeat(26)}!`;

    const started = Date.now();
    const outcome = outcomeOf(yaml, push({ branch }));

    expect(outcome).toBe(`branch '${branch}' is filtered out by branches`);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
