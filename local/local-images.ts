import { existsSync } from 'node:fs';
import type { EventStore } from '../shared/events/store.ts';
import { imageKey } from '../shared/images/names.ts';
import type { ImageUsage } from '../shared/images/ports.ts';
import { ImageRegistry } from '../shared/images/registry.ts';
import type { ResolvedImage } from '../shared/ports/runner-fleet.ts';
import { LocalImageStore } from './image-store/store.ts';

/** What the local images are built from. */
export interface LocalImagesOptions {
  readonly stateDir: string;
  readonly events: EventStore;
}

/**
 * The images of the embedded mode: the registry over the image streams, the
 * snapshot store under the state folder, and which versions running
 * runners started from (so a version in use is never deleted).
 */
export class LocalImages implements ImageUsage {
  readonly store: LocalImageStore;
  readonly registry: ImageRegistry;
  /** Runner folder -> the custom image version it was filled from. */
  readonly #launched = new Map<string, { name: string; version: number }>();

  constructor(options: LocalImagesOptions) {
    this.store = new LocalImageStore({ stateFolder: options.stateDir });
    this.registry = new ImageRegistry({
      events: options.events,
      store: this.store,
      usage: this,
    });
  }

  /** Fills a runner's folder from a custom image, and remembers the use. */
  async materialize(image: ResolvedImage, runnerFolder: string): Promise<void> {
    await this.store.materialize(image, runnerFolder);
    if (image.version !== undefined)
      this.#launched.set(runnerFolder, {
        name: imageKey(image.name),
        version: image.version,
      });
  }

  /** Versions of the image that runners still on this host started from. */
  async versionsInUse(imageName: string): Promise<ReadonlySet<number>> {
    const key = imageKey(imageName);
    const inUse = new Set<number>();
    for (const [folder, used] of this.#launched) {
      if (!existsSync(folder)) this.#launched.delete(folder);
      else if (used.name === key) inUse.add(used.version);
    }

    return inUse;
  }
}
