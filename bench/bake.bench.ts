/**
 * Local bake costs: the time to bake a 500 MB runner folder into the local
 * image store, and the disk ten successive bakes take when 1 % of the folder
 * changes before each, against one bake. Run with `npx tsx bench/bake.bench.ts`.
 *
 * The build time on a baked image against the base image, webhook to
 * FinishBuild, needs the whole embedded system and is not measured here.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { diskUsage } from '../local/image-store/disk-usage.ts';
import { LocalImageStore } from '../local/image-store/store.ts';
import type { ImageCaptureRequest } from '../shared/images/ports.ts';

const fileCount = 500;
const fileBytes = 1024 * 1024;
const changedPerBake = fileCount / 100;
const bakes = 10;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const stateFolder = await mkdtemp(join(tmpdir(), 'bakehouse-bake-bench-'));
const runner = join(stateFolder, 'runners', 'bench');
const toolFile = (n: number) => join(runner, 'tools', `lib${n % 50}`, `part${n}.bin`);
const store = new LocalImageStore({ stateFolder });
const request = (buildId: string): ImageCaptureRequest => ({
  runnerId: 'bench',
  imageName: 'bench-image',
  platform: 'linux',
  buildId,
  jobId: '1',
  commit: 'c0ffee',
  parent: { name: 'Ubuntu2204', ref: '' },
});

try {
  for (let n = 0; n < fileCount; n++) {
    await mkdir(join(toolFile(n), '..'), { recursive: true });
    await writeFile(toolFile(n), randomBytes(fileBytes));
  }
  const rootBytes = await diskUsage(runner);

  let started = performance.now();
  await store.capture(request('bake-1'));
  const firstBakeMs = performance.now() - started;
  const oneBake = await diskUsage(join(stateFolder, 'images'));

  const laterMs: number[] = [];
  for (let bake = 2; bake <= bakes; bake++) {
    for (let k = 0; k < changedPerBake; k++) {
      await writeFile(
        toolFile((bake * changedPerBake + k) % fileCount),
        randomBytes(fileBytes),
      );
    }
    started = performance.now();
    await store.capture(request(`bake-${bake}`));
    laterMs.push(performance.now() - started);
  }
  const tenBakes = await diskUsage(join(stateFolder, 'images'));
  const meanLaterMs = laterMs.reduce((a, b) => a + b, 0) / laterMs.length;

  console.log(`runner folder: ${fileCount} files, ${mb(rootBytes)} MB on disk`);
  console.log(`first bake (all content new): ${(firstBakeMs / 1000).toFixed(2)} s`);
  console.log(`later bakes (1 % changed): mean ${(meanLaterMs / 1000).toFixed(2)} s`);
  console.log(`disk, one bake: ${mb(oneBake)} MB`);
  console.log(
    `disk, ${bakes} bakes: ${mb(tenBakes)} MB (${(tenBakes / oneBake).toFixed(3)}x)`,
  );
} finally {
  await rm(stateFolder, { recursive: true, force: true });
}
