import { newEvent } from '../events/catalogue.ts';
import type { ResolvedImage } from '../ports/runner-fleet.ts';
import { appendToBuild } from './build-decision.ts';
import { jobOf, readBuild, replan } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { jobInput } from './inputs.ts';

type Deps = Pick<PipelineDeps, 'events' | 'planBuild' | 'resolveImage'>;

/**
 * Resolves the job's `image:` name (custom images first, then the base
 * catalog) and records the resolution's warnings for the job's log; an
 * unknown name fails the job with `Build worker image not found`.
 */
export async function resolveImage(input: unknown, deps: Deps): Promise<ResolvedImage> {
  const { buildId, jobId } = jobInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  const job = jobOf(build, replan(build, deps.planBuild), jobId);

  const { image, warnings } = await deps.resolveImage(job.image);
  if (warnings.length > 0) {
    const messages = warnings.map((message) =>
      newEvent('MessageAdded', { jobId, level: 'warning', message }),
    );
    await appendToBuild(deps.events, build, () => messages);
  }

  return image;
}
