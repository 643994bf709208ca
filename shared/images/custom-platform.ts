import type { Platform } from '../config/plan.ts';
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
