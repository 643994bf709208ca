/**
 * Test helpers over the handed corpus of real appveyor.yml files: reading a
 * file, its MANIFEST tags, and triggers to plan them with.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildPlan, JobPlan, Trigger } from '../../shared/config/plan.ts';
import { planBuild } from '../../shared/config/planner.ts';

/** The folder of the corpus, beside the project. */
export const corpusDir = path.resolve(
  import.meta.dirname,
  '../../../shared/corpus/appveyor',
);

/** Every corpus file name, MANIFEST excluded. */
export const corpusFiles: readonly string[] = readdirSync(corpusDir)
  .filter((name) => name !== 'MANIFEST.tsv')
  .sort();

/** The text of one corpus file. */
export function corpusText(name: string): string {
  return readFileSync(path.join(corpusDir, name), 'utf8');
}

/** The MANIFEST tags of each corpus file. */
export const manifestTags: ReadonlyMap<string, readonly string[]> = new Map(
  readFileSync(path.join(corpusDir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.split('\t');

      return [columns[0] ?? '', (columns[4] ?? '').split(',')];
    }),
);

/** A push trigger; override any part. */
export function push(overrides: Partial<Trigger> = {}): Trigger {
  return {
    branch: 'master',
    commit: {
      sha: 'c0ffee',
      message: 'Change something',
      author: { name: 'Ada Lovelace', email: 'ada@example.com' },
    },
    ...overrides,
  };
}

/** A push whose commit has this message. */
export function pushWithMessage(
  message: string,
  overrides: Partial<Trigger> = {},
): Trigger {
  const base = push(overrides);

  return { ...base, commit: { ...base.commit, message } };
}

/** What the jobs tests compare: image, platform, first line of each phase's first command. */
export function jobSummary(job: JobPlan) {
  const phases: Record<string, string> = {};
  for (const phase of job.phases) {
    const first = phase.commands[0];
    if (first)
      phases[phase.name] = `${first.shell}: ${first.script.trim().split('\n')[0]}`;
  }

  return { image: job.image, platform: job.platform, phases };
}

/** Plans YAML text that must build, and returns the build. */
export function buildOf(yaml: string, trigger: Trigger = push()): BuildPlan {
  const result = planBuild(yaml, trigger);
  if (result.kind !== 'build')
    throw new Error(`expected a build, got ${JSON.stringify(result)}`);

  return result;
}

/** The skip reason, or `build` / `rejected`, of planning YAML text for a trigger. */
export function outcomeOf(yaml: string, trigger: Trigger = push()): string {
  const result = planBuild(yaml, trigger);

  return result.kind === 'skipped' ? result.reason : result.kind;
}
