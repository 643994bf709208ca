import type { EventStore } from '../events/store.ts';
import { type BuildView, readBuild } from '../pipeline/build-stream.ts';
import { BuildStateError } from '../pipeline/errors.ts';
import { BuildNotFoundError } from './errors.ts';

/** Reads a build's stream; BuildNotFoundError when no build has that id. */
export async function readExistingBuild(
  events: EventStore,
  buildId: string,
): Promise<BuildView> {
  try {
    return await readBuild(events, buildId);
  } catch (error) {
    if (error instanceof BuildStateError) throw new BuildNotFoundError(buildId);
    throw error;
  }
}
