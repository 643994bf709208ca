import { describe, expect, it } from 'vitest';
import type { PlanResult, Trigger } from '../../shared/config/plan.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { corpusFiles, corpusText, manifestTags, push } from './corpus.ts';

const locatedError = /^Error parsing appveyor\.yml: .+ \(Line: \d+, Column: \d+\)$/;

/** Triggers tried in turn until one builds: the corpus filters on several branches. */
const triggers: readonly Trigger[] = [
  push(),
  push({ branch: 'main' }),
  push({ branch: 'develop' }),
  push({ branch: 'appveyor' }),
  push({ branch: 'auto' }),
  push({ branch: 'release/1.0' }),
  push({ branch: undefined, tag: 'v1.2.3' }),
];

function firstBuild(text: string, file: string): PlanResult[] {
  return triggers.map((trigger) => planBuild(text, trigger, { file }));
}

function isRejectedByManifest(file: string): boolean {
  const tags = manifestTags.get(file) ?? [];

  return tags.includes('yaml-invalid') || tags.includes('duplicate-keys');
}

describe('planBuild over the whole corpus', () => {
  it('knows a manifest entry for every corpus file', () => {
    expect(corpusFiles.filter((file) => !manifestTags.has(file))).toEqual([]);
  });

  it.each(corpusFiles.filter((file) => !isRejectedByManifest(file)))(
    'plans a build for %s',
    (file) => {
      const results = firstBuild(corpusText(file), file);

      expect(results.filter((result) => result.kind === 'rejected')).toEqual([]);
      expect(results.some((result) => result.kind === 'build')).toBe(true);
    },
  );

  it.each(corpusFiles.filter(isRejectedByManifest))(
    'rejects %s with a located error',
    (file) => {
      const result = planBuild(corpusText(file), push(), { file });

      expect(result.kind).toBe('rejected');
      if (result.kind !== 'rejected') return;
      expect(result.errors.length).toBeGreaterThan(0);
      for (const error of result.errors) {
        expect(error.message).toMatch(locatedError);
        expect(error.file).toBe(file);
        expect(error.line).toBeGreaterThan(0);
      }
    },
  );
});
