/**
 * Parse-and-plan time of the config engine over the handed corpus: per file
 * (median and max) and for the whole corpus, on a cold first pass and warm
 * (after warm-up passes). Each file is planned with the first trigger it
 * builds for (its filters name several branches), so a build is timed rather
 * than a skip wherever one is possible; the counts of plans, skips and errors
 * timed are printed. Targets: warm median under 2 ms, whole corpus under
 * 150 ms. Run with `npx tsx bench/config.bench.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PlanResult, Trigger } from '../shared/config/plan.ts';
import { planBuild } from '../shared/config/planner.ts';

const corpusDir = path.resolve(import.meta.dirname, '../../shared/corpus/appveyor');
const commit = {
  sha: 'c0ffee',
  message: 'Bench',
  author: { name: 'bench', email: 'b@x' },
};
/** Triggers tried in turn, as the corpus walk tries them. */
const triggers: readonly Trigger[] = [
  ...['master', 'main', 'develop', 'appveyor', 'auto', 'release/1.0'].map((branch) => ({
    branch,
    commit,
  })),
  { tag: 'v1.2.3', commit },
];

/** The first trigger that builds the file, else the first one (a skip or an error). */
function triggerFor(text: string, file: string): Trigger {
  const builds = triggers.find(
    (trigger) => planBuild(text, trigger, { file }).kind === 'build',
  );

  return builds ?? (triggers[0] as Trigger);
}

const files = readdirSync(corpusDir)
  .filter((name) => name !== 'MANIFEST.tsv')
  .map((name) => {
    const text = readFileSync(path.join(corpusDir, name), 'utf8');

    return { name, text, trigger: triggerFor(text, name) };
  });
const warmUpPasses = 20;
const measuredPasses = 30;

/** Plans every file once; returns each file's time and outcome, and the total, in ms. */
function pass(): { perFile: number[]; kinds: PlanResult['kind'][]; total: number } {
  const perFile: number[] = [];
  const kinds: PlanResult['kind'][] = [];
  const start = performance.now();
  for (const file of files) {
    const before = performance.now();
    kinds.push(planBuild(file.text, file.trigger, { file: file.name }).kind);
    perFile.push(performance.now() - before);
  }

  return { perFile, kinds, total: performance.now() - start };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function report(label: string, perFile: readonly number[], total: number): void {
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  const perFileText = `median ${ms(median(perFile))}, max ${ms(Math.max(...perFile))}`;
  const corpusText = `whole corpus (${files.length} files): ${ms(total)}`;
  console.log(`${label.padEnd(6)} per file: ${perFileText}; ${corpusText}`);
}

const cold = pass();
report('cold', cold.perFile, cold.total);
const count = (kind: PlanResult['kind']) => cold.kinds.filter((k) => k === kind).length;
console.log(
  `timed: ${count('build')} plans, ${count('skipped')} skips, ${count('rejected')} errors`,
);

for (let i = 0; i < warmUpPasses; i += 1) pass();
const warm = Array.from({ length: measuredPasses }, pass);
const perFile = files.map((_, index) =>
  median(warm.map((run) => run.perFile[index] ?? 0)),
);
report('warm', perFile, median(warm.map((run) => run.total)));
const slowest = files[perFile.indexOf(Math.max(...perFile))]?.name;
console.log(`slowest warm file: ${slowest}`);
console.log('targets: warm median < 2 ms, whole corpus < 150 ms');
