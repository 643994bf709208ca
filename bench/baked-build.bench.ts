/**
 * The point of a baked image, measured: the prime-app build on the
 * prime-tools image against the same build from the base image (which must
 * build the primes tool and its table first, about 10 s of CPU), each from
 * the webhook's arrival to BuildFinished, through the whole embedded backend.
 * Target: a ratio under 0.2. Run: `npx tsx bench/baked-build.bench.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../local/demo.ts';

const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-bench-'));
const limit = Number(process.env.PRIMES_TABLE_LIMIT ?? 1_000_000_000);
const started = process.cpuUsage();
const result = await runDemo({
  stateDir,
  print: () => undefined,
  primesTableLimit: limit,
});
const cpu = process.cpuUsage(started);
await rm(stateDir, { recursive: true, force: true });

const onImage = result.builds.onImage?.webhookToFinishMs ?? Number.NaN;
const fromBase = result.builds.fromBase?.webhookToFinishMs ?? Number.NaN;
const bake = result.builds.bake?.webhookToFinishMs ?? Number.NaN;
const phase = (name: string) =>
  result.builds.fromBase?.view.jobs[0]?.phases.find((p) => p.phase === name)?.durationMs;
console.log(`primes table limit        ${limit.toLocaleString('en')}`);
console.log(`bake of prime-tools       ${(bake / 1000).toFixed(1)} s webhook to finish`);
console.log(
  `prime-app from base image ${(fromBase / 1000).toFixed(1)} s (install ${((phase('install') ?? 0) / 1000).toFixed(1)} s)`,
);
console.log(`prime-app on baked image  ${(onImage / 1000).toFixed(1)} s`);
console.log(
  `ratio baked / base        ${(onImage / fromBase).toFixed(3)} (target < 0.2)`,
);
console.log(
  `backend process CPU       ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (runners are child processes)`,
);
console.log(`scenario checks           ${result.ok ? 'all hold' : 'FAILED'}`);
process.exitCode = result.ok ? 0 : 1;
