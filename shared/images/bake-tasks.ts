import { z } from 'zod/mini';
import { bakeImageVariable } from '../config/bake.ts';
import type { JobPlan } from '../config/plan.ts';
import { newEvent } from '../events/catalogue.ts';
import type { EventStore } from '../events/store.ts';
import { appendToBuild } from '../pipeline/build-decision.ts';
import {
  allOf,
  type BuildView,
  jobOf,
  readBuild,
  replan,
} from '../pipeline/build-stream.ts';
import type { PipelineLog, PlanBuild } from '../pipeline/deps.ts';
import { caughtError, jobInput } from '../pipeline/inputs.ts';
import { type BakeDecision, shouldBake } from './bake-decision.ts';
import type { ImageSettings } from './catalog.ts';
import { ImageBakeFailedError, ImagePendingError } from './errors.ts';
import type { ImageStore } from './ports.ts';
import type { ImageRegistry } from './registry.ts';
import { notOwnerReason } from './registry-decisions.ts';
import { mayBake } from './registry-state.ts';

/**
 * The bake states of the pipeline, each `(input, deps) => output` like the
 * pipeline's tasks: decide, capture the runner after on_finish, look at the
 * image, register it and apply retention. bake-failure.ts records a failure.
 */

/** What the bake tasks need. */
export interface BakeDeps {
  readonly events: EventStore;
  readonly planBuild: PlanBuild;
  readonly registry: ImageRegistry;
  readonly store: ImageStore;
  readonly settings: ImageSettings;
  readonly log: PipelineLog;
}

const bakeState = z.object({
  bake: z.optional(z.object({ bake: z.boolean(), name: z.optional(z.string()) })),
  bakedImage: z.optional(z.object({ ref: z.string() })),
  bakeFailure: z.optional(caughtError),
});
/** The job state the bake tasks read: the job's, and what the bake added. */
export const bakeInput = z.extend(jobInput, bakeState.shape);

/**
 * DecideBake, after on_success: whether the job bakes and under which name.
 * Records BakeStarted, or a message saying why not when a name was asked for.
 */
export async function decideBake(input: unknown, deps: BakeDeps): Promise<BakeDecision> {
  const state = bakeInput.parse(input);
  const build = await readBuild(deps.events, state.buildId);
  const job = jobOf(build, replan(build, deps.planBuild), state.jobId);
  const phases = allOf(build, 'PhaseFinished').filter(
    (e) => e.data.jobId === state.jobId,
  );
  const failed = state.failure || phases.some((e) => e.data.outcome !== 'success');
  const setByScript = bakeNameSetByScript(build, state.jobId);
  const variables: Record<string, string> = {};
  if (setByScript !== undefined) variables[bakeImageVariable] = setByScript;

  const decision = await ownedBy(
    shouldBake(
      failed ? 'failed' : 'succeeded',
      job.bake,
      variables,
      { pullRequest: build.requested.pullRequest },
      deps.settings,
    ),
    build.requested.repository,
    deps.registry,
  );
  const { buildId, jobId } = state;
  if (decision.bake) {
    const imageName = decision.name;
    await appendToBuild(deps.events, build, (now) =>
      allOf(now, 'BakeStarted').some((e) => e.data.jobId === jobId)
        ? []
        : [newEvent('BakeStarted', { jobId, imageName })],
    );
    deps.log.info('bake started', { buildId, jobId, imageName: decision.name });
  } else if (job.bake.staticName || setByScript) {
    const message = decision.reason;
    await appendToBuild(deps.events, build, () => [
      newEvent('MessageAdded', { jobId, level: 'warning', message }),
    ]);
    deps.log.info('bake skipped', { buildId, jobId, reason: message });
  }

  return decision;
}

/** The decision, or a skip when the image belongs to another repository. */
async function ownedBy(
  decision: BakeDecision,
  repository: string,
  registry: ImageRegistry,
): Promise<BakeDecision> {
  if (!decision.bake) return decision;
  const image = await registry.load(decision.name);
  if (!image || mayBake(image, repository)) return decision;

  return { bake: false, reason: `bake skipped: ${notOwnerReason(image, repository)}` };
}

/**
 * Why a failed job that asked for a bake (statically or from a script) does
 * not bake; undefined when it asked for none. A failed job never reaches
 * DecideBake, so FinishJob records this for it.
 */
export function failedJobBakeReason(
  build: BuildView,
  job: JobPlan,
  jobId: string,
): string | undefined {
  const setByScript = bakeNameSetByScript(build, jobId);
  if (setByScript === undefined && !job.bake.staticName) return undefined;
  const variables: Record<string, string> =
    setByScript === undefined ? {} : { [bakeImageVariable]: setByScript };
  // A failed job is refused before the operator's settings are looked at.
  const decision = shouldBake('failed', job.bake, variables, build.requested, {
    allowSameRepositoryPullRequestBakes: false,
    catalog: [],
  });

  return decision.bake ? undefined : decision.reason;
}

/** The last value a script of the job gave the bake name, if any. */
function bakeNameSetByScript(build: BuildView, jobId: string): string | undefined {
  return allOf(build, 'VariableSet')
    .filter((e) => e.data.jobId === jobId && e.data.name === bakeImageVariable)
    .at(-1)?.data.value;
}

/** CreateImage, after on_finish: captures the runner; a retry finds the same image. */
export async function createImage(
  input: unknown,
  deps: BakeDeps,
): Promise<{ ref: string }> {
  const state = bakeInput.parse(input);
  const { image, runner, bake } = required(state);
  const build = await readBuild(deps.events, state.buildId);
  const ref = await deps.store.capture({
    runnerId: runner.runnerId,
    imageName: bake.name,
    platform: image.platform,
    buildId: state.buildId,
    jobId: state.jobId,
    commit: build.requested.sha,
    parent: { name: image.name, version: image.version, ref: image.ref },
  });

  return { ref };
}

/**
 * AwaitImage: one look at the image, never a wait (the Lambda's timeout is
 * shorter than any AMI's creation). A pending image throws ImagePendingError,
 * which the state's Retry answers by looking again later, within the bake
 * timeout; a failed one throws ImageBakeFailedError, for RecordBakeFailed.
 */
export async function awaitImage(
  input: unknown,
  deps: BakeDeps,
): Promise<{ ref: string }> {
  const state = bakeInput.parse(input);
  const ref = bakedRef(state);
  const found = await deps.store.state(ref);
  const where = `Bake of build ${state.buildId} job ${state.jobId}`;
  if (found.state === 'failed') {
    throw new ImageBakeFailedError(`${where}: image ${ref} failed: ${found.reason}`);
  }
  if (found.state === 'pending') {
    throw new ImagePendingError(`${where}: image ${ref} is still being created`);
  }

  return { ref };
}

/**
 * RegisterImage: the image becomes its name's next version and current at
 * once, is tagged with it, and ImageBaked is recorded. Each step is
 * idempotent, so the state's Retry may run it again; retention is the next
 * state's work, so a slow delete never fails a good bake.
 */
export async function registerImage(
  input: unknown,
  deps: BakeDeps,
): Promise<{ name: string; version: number; ref: string }> {
  const state = bakeInput.parse(input);
  const { image, bake } = required(state);
  const ref = bakedRef(state);
  const { buildId, jobId } = state;
  const build = await readBuild(deps.events, buildId);
  const parent = { name: image.name, version: image.version, ref: image.ref };

  const version = await deps.registry.addVersion({
    name: bake.name,
    ref,
    platform: image.platform,
    buildId,
    jobId,
    commit: build.requested.sha,
    repository: build.requested.repository,
    parent,
  });
  await deps.store.markVersion(ref, version);
  await appendToBuild(deps.events, build, (now) =>
    allOf(now, 'ImageBaked').some((e) => e.data.jobId === jobId)
      ? []
      : [newEvent('ImageBaked', { jobId, imageName: bake.name, version, ref, parent })],
  );
  deps.log.info('image baked', { buildId, jobId, imageName: bake.name, version, ref });

  return { name: bake.name, version, ref };
}

/**
 * ApplyRetention, after RegisterImage: deletes the name's versions beyond
 * the operator's `keepVersions`. A failure is logged and changes nothing
 * for the bake (the state's Catch goes on too); what it leaves is deleted
 * after the next bake of the name.
 */
export async function applyRetention(
  input: unknown,
  deps: BakeDeps,
): Promise<{ removed: number[] }> {
  const state = bakeInput.parse(input);
  const { buildId, jobId } = state;
  const imageName = required(state).bake.name;
  try {
    const removed = await deps.registry.applyRetention(
      imageName,
      deps.settings.keepVersions,
    );
    if (removed.length > 0) {
      deps.log.info('retention', { buildId, jobId, imageName, removed });
    }

    return { removed };
  } catch (error) {
    const message = String(error);
    deps.log.warn('retention failed', { buildId, jobId, imageName, error: message });

    return { removed: [] };
  }
}

type BakeState = z.infer<typeof bakeInput>;

function required(state: BakeState) {
  const { image, runner, bake } = state;
  if (!image || !runner || !bake?.name) {
    throw new TypeError(
      `Bake of build ${state.buildId} job ${state.jobId}: ` +
        'the state lacks image, runner or bake name',
    );
  }

  return { image, runner, bake: { name: bake.name } };
}

function bakedRef(state: BakeState): string {
  const ref = state.bakedImage?.ref;
  if (!ref) {
    throw new TypeError(
      `Bake of build ${state.buildId} job ${state.jobId}: no baked image ref`,
    );
  }

  return ref;
}
