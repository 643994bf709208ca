/**
 * Parse-and-plan time of the config engine over the handed corpus: per file
 * (median and max) and for the whole corpus, on a cold first pass and warm
 * (after warm-up passes). Targets: warm median under 2 ms, whole corpus under
 * 150 ms. Run with `npx tsx bench/config.bench.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Trigger } from '../shared/config/plan.ts';
import { planBuild } from '../shared/config/planner.ts';

const corpusDir = path.resolve(import.meta.dirname, '../../shared/corpus/appveyor');
const files = readdirSync(corpusDir)
  .filter((name) => name !== 'MANIFEST.tsv')
  .map((name) => ({ name, text: readFileSync(path.join(corpusDir, name), 'utf8') }));
const trigger: Trigger = {
  branch: 'master',
  commit: { sha: 'c0ffee', message: 'Bench', author: { name: 'bench', email: 'b@x' } },
};
const warmUpPasses = 20;
const measuredPasses = 30;

/** Plans every file once; returns each file's time and the total, in ms. */
function pass(): { perFile: number[]; total: number } {
  const perFile: number[] = [];
  const start = performance.now();
  for (const file of files) {
    const before = performance.now();
    planBuild(file.text, trigger, { file: file.name });
    perFile.push(performance.now() - before);
  }

  return { perFile, total: performance.now() - start };
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
  console.log(
    `${label.padEnd(6)} per file: median ${ms(median(perFile))}, max ${ms(Math.max(...perFile))}; whole corpus (${files.length} files): ${ms(total)}`,
  );
}

const cold = pass();
report('cold', cold.perFile, cold.total);

for (let i = 0; i < warmUpPasses; i += 1) pass();
const warm = Array.from({ length: measuredPasses }, pass);
const perFile = files.map((_, index) =>
  median(warm.map((run) => run.perFile[index] ?? 0)),
);
report('warm', perFile, median(warm.map((run) => run.total)));
const slowest = files[perFile.indexOf(Math.max(...perFile))]?.name;
console.log(`slowest warm file: ${slowest}`);
console.log('targets: warm median < 2 ms, whole corpus < 150 ms');
