import { constants, existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { imageSlug } from '../../shared/images/names.ts';
import type {
  BuildImage,
  ImageCaptureRequest,
  ImageStore,
  StoredImageState,
} from '../../shared/images/ports.ts';
import type { ResolvedImage } from '../../shared/ports/runner-fleet.ts';
import { RunnerLayout } from '../runner-fleet/layout.ts';
import { type ManifestEntry, walkFolder } from './manifest.ts';

/** Options of the local image store. */
export interface LocalImageStoreOptions {
  /** The state folder: runners are in its `runners/`, images go to its `images/`. */
  readonly stateFolder: string;
  /**
   * Folders of a runner, relative to it, never part of an image. Default:
   * `state` and `scripts`, which belong to the job, not the machine.
   */
  readonly exclude?: readonly string[];
}

const manifestFile = 'manifest.json';

/**
 * The image store of the embedded mode. A bake snapshots the runner folder
 * into `images/versions/<name>/<build>-<job>/` (the image's ref), storing
 * each distinct content once in `images/blobs/`, hard-linked into every
 * version's tree; a launch copies the files out, so a runner never writes
 * into an image.
 */
export class LocalImageStore implements ImageStore {
  private readonly blobs: string;
  private readonly versions: string;

  constructor(private readonly options: LocalImageStoreOptions) {
    this.blobs = join(options.stateFolder, 'images', 'blobs');
    this.versions = join(options.stateFolder, 'images', 'versions');
  }

  /**
   * Snapshots the runner without its job state and scripts (on_image_bake
   * removed the clone folder before); a repeat returns the first snapshot.
   */
  async capture(request: ImageCaptureRequest): Promise<string> {
    const ref = this.refOf(request);
    if (existsSync(join(ref, manifestFile))) return ref;

    const runner = new RunnerLayout(this.options.stateFolder, request.runnerId).folder;
    const excluded = (this.options.exclude ?? ['state', 'scripts']).map((p) =>
      join(runner, p),
    );
    const { entries, sources } = await walkFolder(runner, new Set(excluded));

    const partial = `${ref}.partial`;
    await rm(partial, { recursive: true, force: true });
    await rm(ref, { recursive: true, force: true });
    await mkdir(join(partial, 'tree'), { recursive: true });
    for (const [blob, source] of sources) await this.storeBlob(blob, source);
    for (const entry of entries) await this.placeInTree(join(partial, 'tree'), entry);
    await writeFile(join(partial, manifestFile), JSON.stringify(entries));
    await rename(partial, ref);

    return ref;
  }

  /** The snapshot folder of a bake, when the bake began one (even a partial one). */
  async find(
    request: Pick<ImageCaptureRequest, 'imageName' | 'buildId' | 'jobId'>,
  ): Promise<string | undefined> {
    const ref = this.refOf(request);

    return existsSync(ref) || existsSync(`${ref}.partial`) ? ref : undefined;
  }

  /** The snapshot folders (complete or partial) of a build's jobs, any image name. */
  async findByBuild(buildId: string): Promise<BuildImage[]> {
    const prefix = `${buildId}-`;
    const names = await readdir(this.versions).catch(() => []);
    const found: BuildImage[] = [];
    for (const name of names) {
      const folders = await readdir(join(this.versions, name)).catch(() => []);
      for (const folder of folders.filter((f) => f.startsWith(prefix))) {
        const jobId = folder.slice(prefix.length).replace(/\.partial$/, '');
        const ref = join(this.versions, name, `${prefix}${jobId}`);
        if (!found.some((image) => image.ref === ref)) found.push({ ref, jobId });
      }
    }

    return found;
  }

  private refOf(request: Pick<ImageCaptureRequest, 'imageName' | 'buildId' | 'jobId'>) {
    return join(
      this.versions,
      imageSlug(request.imageName),
      `${request.buildId}-${request.jobId}`,
    );
  }

  /** Available once its manifest is written; a capture is complete when it returns. */
  async state(ref: string): Promise<StoredImageState> {
    if (existsSync(join(ref, manifestFile))) return { state: 'available' };

    return { state: 'failed', reason: `no complete snapshot at ${ref}` };
  }

  /** Writes the registry version beside the snapshot. */
  async markVersion(ref: string, version: number): Promise<void> {
    await writeFile(join(ref, 'version'), `${version}\n`);
  }

  /** Removes a snapshot and every blob no other snapshot shares. */
  async delete(ref: string): Promise<void> {
    await rm(`${ref}.partial`, { recursive: true, force: true });
    const entries = await this.readManifest(ref).catch(() => []);
    await rm(ref, { recursive: true, force: true });
    const blobs = new Set(entries.flatMap((e) => (e.kind === 'file' ? [e.blob] : [])));
    for (const blob of blobs) {
      const path = this.blobPath(blob);
      const stats = await stat(path).catch(() => undefined);
      // The blob folder's own link is the last one: no tree holds it any more.
      if (stats?.nlink === 1) await unlink(path);
    }
  }

  /**
   * Fills a new runner's folder from a custom image: folders, links, and
   * copies of the files (clones where the file system can), never links.
   */
  async materialize(image: ResolvedImage, runnerFolder: string): Promise<void> {
    const entries = await this.readManifest(image.ref);
    await mkdir(runnerFolder, { recursive: true });
    for (const entry of entries) {
      const target = join(runnerFolder, entry.path);
      if (entry.kind === 'dir') {
        await mkdir(target, { recursive: true, mode: entry.mode });
      } else if (entry.kind === 'symlink') {
        await rm(target, { force: true });
        await symlink(entry.target, target);
      } else {
        await copyFile(this.blobPath(entry.blob), target, constants.COPYFILE_FICLONE);
        await chmod(target, entry.mode);
      }
    }
  }

  private async storeBlob(blob: string, source: string): Promise<void> {
    const path = this.blobPath(blob);
    if (existsSync(path)) return;
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}`;
    await copyFile(source, temporary, constants.COPYFILE_FICLONE);
    await chmod(temporary, Number.parseInt(blob.split('-')[1] ?? '644', 8));
    // link() refuses to replace a blob another bake stored meanwhile.
    await link(temporary, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await unlink(temporary);
  }

  private async placeInTree(tree: string, entry: ManifestEntry): Promise<void> {
    const target = join(tree, entry.path);
    if (entry.kind === 'dir') await mkdir(target, { recursive: true });
    else if (entry.kind === 'symlink') await symlink(entry.target, target);
    else await link(this.blobPath(entry.blob), target);
  }

  private async readManifest(ref: string): Promise<ManifestEntry[]> {
    return JSON.parse(await readFile(join(ref, manifestFile), 'utf8')) as ManifestEntry[];
  }

  private blobPath(blob: string): string {
    return join(this.blobs, blob.slice(0, 2), blob);
  }
}
