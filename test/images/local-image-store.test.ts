import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskUsage } from '../../local/image-store/disk-usage.ts';
import { LocalImageStore } from '../../local/image-store/store.ts';
import type { ImageCaptureRequest } from '../../shared/images/ports.ts';
import type { ResolvedImage } from '../../shared/ports/runner-fleet.ts';

let stateFolder: string;
let store: LocalImageStore;
const runner = () => join(stateFolder, 'runners', 'r1');

/** A runner folder as the local fleet leaves it after a job. */
async function fillRunner(toolBytes = 256 * 1024): Promise<void> {
  await mkdir(join(runner(), 'home'), { recursive: true });
  await mkdir(join(runner(), 'tools', 'bin'), { recursive: true });
  await mkdir(join(runner(), 'projects', 'app'), { recursive: true });
  await mkdir(join(runner(), 'state'), { recursive: true });
  await writeFile(join(runner(), 'home', '.profile'), 'export TOOL=1\n');
  await writeFile(join(runner(), 'tools', 'bin', 'tool'), randomBytes(toolBytes));
  await chmod(join(runner(), 'tools', 'bin', 'tool'), 0o755);
  await writeFile(join(runner(), 'projects', 'app', 'main.c'), 'int main() {}\n');
  await writeFile(join(runner(), 'state', 'env'), 'SECRET=job-only\n');
  await symlink('../projects', join(runner(), 'home', 'projects'));
}

function bake(buildId: string): ImageCaptureRequest {
  return {
    runnerId: 'r1',
    imageName: 'Tools',
    platform: 'linux',
    buildId,
    jobId: '1',
    commit: 'c0ffee',
    parent: { name: 'Ubuntu2204', ref: '' },
  };
}

const image = (ref: string): ResolvedImage => ({
  name: 'Tools',
  platform: 'linux',
  ref,
  version: 1,
  base: false,
});

beforeEach(async () => {
  stateFolder = await mkdtemp(join(tmpdir(), 'bakehouse-images-'));
  store = new LocalImageStore({ stateFolder });
  await fillRunner();
});

afterEach(async () => {
  await rm(stateFolder, { recursive: true, force: true });
});

describe('LocalImageStore', () => {
  it('snapshots the runner without its job state', async () => {
    const ref = await store.capture(bake('b1'));

    const tree = join(ref, 'tree');
    expect(existsSync(join(tree, 'tools', 'bin', 'tool'))).toBe(true);
    expect(existsSync(join(tree, 'projects', 'app', 'main.c'))).toBe(true);
    expect(existsSync(join(tree, 'state'))).toBe(false);
    await expect(store.state(ref)).resolves.toEqual({ state: 'available' });
  });

  it("finds a build's snapshots, complete or partial, by the build's id", async () => {
    const first = await store.capture(bake('b1'));
    const second = await store.capture({ ...bake('b1'), jobId: '2', imageName: 'Other' });
    const partial = join(stateFolder, 'images', 'versions', 'other', 'b1-3.partial');
    await mkdir(partial, { recursive: true });
    await store.capture(bake('b10'));

    const found = await store.findByBuild('b1');

    expect(found.sort((a, b) => a.jobId.localeCompare(b.jobId))).toEqual([
      { ref: first, jobId: '1' },
      { ref: second, jobId: '2' },
      { ref: partial.replace(/\.partial$/, ''), jobId: '3' },
    ]);
  });

  it('returns the same snapshot when a bake is retried', async () => {
    const first = await store.capture(bake('b1'));
    await writeFile(join(runner(), 'home', 'later'), 'not in the image');

    const again = await store.capture(bake('b1'));

    expect(again).toBe(first);
    expect(existsSync(join(first, 'tree', 'home', 'later'))).toBe(false);
  });

  it('materializes an image the runner can change without touching the image', async () => {
    const ref = await store.capture(bake('b1'));
    const target = join(stateFolder, 'runners', 'r2');

    await store.materialize(image(ref), target);
    await writeFile(join(target, 'home', '.profile'), 'changed by a build\n');
    const again = join(stateFolder, 'runners', 'r3');
    await store.materialize(image(ref), again);

    expect(await readFile(join(again, 'home', '.profile'), 'utf8')).toBe(
      'export TOOL=1\n',
    );
    expect((await stat(join(target, 'tools', 'bin', 'tool'))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(target, 'home', 'projects'))).toBe('../projects');
    expect((await stat(join(target, 'home', '.profile'))).nlink).toBe(1);
  });

  it('stores unchanged content once: a second bake adds almost no bytes', async () => {
    await store.capture(bake('b1'));
    const once = await diskUsage(join(stateFolder, 'images'));

    await store.capture(bake('b2'));
    const twice = await diskUsage(join(stateFolder, 'images'));

    expect(once).toBeGreaterThan(256 * 1024);
    expect(twice - once).toBeLessThan(64 * 1024);
  });

  it('deletes a version, freeing only the blobs no other version shares', async () => {
    const first = await store.capture(bake('b1'));
    await writeFile(join(runner(), 'tools', 'bin', 'tool'), randomBytes(1024));
    const second = await store.capture(bake('b2'));
    const blobCount = async () =>
      (await readdir(join(stateFolder, 'images', 'blobs'), { recursive: true })).filter(
        (p) => p.includes('-'),
      ).length;
    const before = await blobCount();

    await store.delete(first);
    const afterFirst = await blobCount();
    await store.delete(second);

    expect(existsSync(first)).toBe(false);
    expect(afterFirst).toBe(before - 1);
    expect(await blobCount()).toBe(0);
  });
});
