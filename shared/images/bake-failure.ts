import { newEvent } from '../events/catalogue.ts';
import { appendToBuild } from '../pipeline/build-decision.ts';
import { allOf, type BuildView, readBuild } from '../pipeline/build-stream.ts';
import { type BakeDeps, bakeInput } from './bake-tasks.ts';
import type { BuildImage } from './ports.ts';

/**
 * What a failed or abandoned bake leaves: BakeFailed is recorded first, so a
 * cleanup that fails or outlasts its Lambda loses nothing, then the image the
 * bake half made is deleted, unless the registry holds it as a version.
 */

type FailureDeps = Pick<BakeDeps, 'events' | 'registry' | 'store' | 'log'>;

/**
 * RecordBakeFailed: records BakeFailed and deletes what the bake half made,
 * leaving the current version current. When CreateImage itself failed, the
 * state holds no ref: the store finds what the bake began by its name, build
 * and job. An image RegisterImage already registered (it failed after the
 * version was added) is kept, and the reason says so. The runner ends next.
 */
export async function recordBakeFailed(input: unknown, deps: FailureDeps): Promise<void> {
  const state = bakeInput.parse(input);
  const { buildId, jobId } = state;
  const cause = state.bakeFailure?.Cause ?? state.bakeFailure?.Error ?? 'unknown';
  const imageName = state.bake?.name;
  const ref =
    state.bakedImage?.ref ??
    (imageName ? await deps.store.find({ imageName, buildId, jobId }) : undefined);
  const registered = imageName && ref ? await deps.registry.holds(imageName, ref) : false;
  const reason = registered
    ? `${cause}; image ${ref} was registered as a version of ${imageName} before ` +
      'the failure and is kept'
    : cause;

  const build = await readBuild(deps.events, buildId);
  // A sweep (a cancel, the Map's cleanup) may have recorded the bake's end.
  await appendToBuild(deps.events, build, (now) =>
    allOf(now, 'BakeFailed').some((e) => e.data.jobId === jobId)
      ? []
      : [newEvent('BakeFailed', { jobId, imageName, reason })],
  );
  deps.log.warn('bake failed', { buildId, jobId, imageName, reason });
  if (ref && !registered) await deleteHalfMade(deps, { buildId, jobId, ref });
}

/**
 * After the build's Map failed (fast_finish stopped a job mid-bake) or a
 * cancel: every image a job of the build began that the registry does not
 * hold, and that is not available, is deleted, after BakeFailed for each bake
 * that recorded no outcome; returns the refs deleted. An available one is
 * kept and said so: a RegisterImage still running could be registering it.
 * An AMI whose CreateImage call was still running is not found by the sweep
 * at all: it stays, tagged with its build.
 */
export async function sweepBuildImages(
  buildId: string,
  reason: string,
  deps: FailureDeps,
): Promise<string[]> {
  const images = await deps.store.findByBuild(buildId);
  if (images.length === 0) return [];
  const build = await readBuild(deps.events, buildId);
  const doomed: BuildImage[] = [];
  const kept: BuildImage[] = [];
  for (const image of images) {
    const imageName = bakeName(build, image.jobId);
    if (!imageName || (await deps.registry.holds(imageName, image.ref))) continue;
    const { state } = await deps.store.state(image.ref);
    (state === 'available' ? kept : doomed).push(image);
  }

  const said = (image: BuildImage) =>
    kept.includes(image)
      ? `${reason}; image ${image.ref} was available and is kept, for an operator`
      : reason;
  await appendToBuild(deps.events, build, (now) =>
    [...doomed, ...kept]
      .filter(({ jobId }) => !bakeEnded(now, jobId))
      .map((image) =>
        newEvent('BakeFailed', {
          jobId: image.jobId,
          imageName: bakeName(now, image.jobId),
          reason: said(image),
        }),
      ),
  );
  for (const image of kept) {
    deps.log.warn('available image of a stopped bake kept', { buildId, ...image });
  }
  for (const image of doomed) await deleteHalfMade(deps, { buildId, ...image });

  return doomed.map((image) => image.ref);
}

function bakeName(build: BuildView, jobId: string): string | undefined {
  return allOf(build, 'BakeStarted').findLast((e) => e.data.jobId === jobId)?.data
    .imageName;
}

function bakeEnded(build: BuildView, jobId: string): boolean {
  const ofJob = (e: { data: { jobId: string } }) => e.data.jobId === jobId;

  return allOf(build, 'ImageBaked').some(ofJob) || allOf(build, 'BakeFailed').some(ofJob);
}

/** Deletes a half-made image; a failed delete is logged, for an operator. */
async function deleteHalfMade(
  deps: FailureDeps,
  image: { buildId: string; jobId: string; ref: string },
): Promise<void> {
  try {
    await deps.store.delete(image.ref);
  } catch (error) {
    deps.log.warn('half-made image not deleted', { ...image, error: String(error) });
  }
}
