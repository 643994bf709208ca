import type { Platform } from '../config/plan.ts';
import { type CatalogEntry, findCatalogEntry } from './catalog.ts';
import type { ImageRegistry } from './registry.ts';
import { currentVersion } from './registry-state.ts';

/**
 * The platform of a custom image's current version, or undefined when the
 * name is not a custom image (the base catalog knows its own platforms).
 */
export async function customPlatform(
  registry: Pick<ImageRegistry, 'load'>,
  name: string,
): Promise<Platform | undefined> {
  const image = await registry.load(name).catch(() => undefined);
  const current = image && currentVersion(image);

  // The registry records only Platform values (NewImageVersion).
  return current?.platform as Platform | undefined;
}

/**
 * The platform an image name stands for: a custom image's current version
 * first (as resolution looks), then the base catalog's entry, whose platform
 * the operator wrote; undefined for a name neither knows.
 */
export async function knownPlatform(
  registry: Pick<ImageRegistry, 'load'>,
  catalog: readonly CatalogEntry[],
  name: string,
): Promise<Platform | undefined> {
  return (
    (await customPlatform(registry, name)) ?? findCatalogEntry(catalog, name)?.platform
  );
}
