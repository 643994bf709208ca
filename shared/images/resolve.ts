import type { Platform } from '../config/plan.ts';
import type { ResolvedImage } from '../ports/runner-fleet.ts';
import { findCatalogEntry, type ImageSettings } from './catalog.ts';
import { ImageNotFoundError } from './errors.ts';
import type { BaseImageResolver } from './ports.ts';
import type { ImageState } from './registry-state.ts';
import { currentVersion } from './registry-state.ts';

/** What resolution needs: the custom images, the base resolver and the settings. */
export interface ImageResolutionDeps {
  /** The folded state of a custom image name, undefined when there is none. */
  readonly loadImage: (name: string) => Promise<ImageState | undefined>;
  readonly baseImages: BaseImageResolver;
  readonly settings: Pick<ImageSettings, 'defaultImage' | 'catalog'>;
}

/** A job's image, and the warnings its log shows about it. */
export interface ImageResolution {
  readonly image: ResolvedImage;
  readonly warnings: readonly string[];
}

/**
 * Resolves a job's `image:` to what its runner starts from: the current
 * version of a custom image first (any case), then the base catalog; no
 * name means the operator's default image.
 */
export async function resolveImage(
  written: string | undefined,
  deps: ImageResolutionDeps,
): Promise<ImageResolution> {
  const name = written?.trim() || deps.settings.defaultImage;

  const custom = await deps.loadImage(name);
  const current = custom && currentVersion(custom);
  if (custom && current) {
    const image: ResolvedImage = {
      name: custom.name,
      // The registry writes only Platform values (NewImageVersion).
      platform: current.platform as Platform,
      ref: current.ref,
      version: current.version,
      base: false,
    };

    return { image, warnings: [] };
  }

  const entry = findCatalogEntry(deps.settings.catalog, name);
  if (!entry) throw new ImageNotFoundError(name);
  const ref = await deps.baseImages.resolve(entry.source);
  const image: ResolvedImage = {
    name: entry.name,
    platform: entry.platform,
    ref,
    base: true,
  };

  return { image, warnings: entry.warning ? [entry.warning] : [] };
}
