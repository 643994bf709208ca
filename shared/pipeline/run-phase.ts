import { newEvent } from '../events/catalogue.ts';
import { appendToBuild } from './build-decision.ts';
import { allOf, jobOf, lastOf, readBuild, replan, triggerOf } from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { BuildStateError } from './errors.ts';
import { phaseInput } from './inputs.ts';
import { leaseUntil } from './lease.ts';

type Deps = Pick<
  PipelineDeps,
  | 'events'
  | 'planBuild'
  | 'fleet'
  | 'callbacks'
  | 'waiting'
  | 'slots'
  | 'generatePhaseScript'
  | 'artifacts'
  | 'settings'
  | 'log'
  | 'now'
>;

/**
 * Sends one phase of a job to its runner as a generated script, remembering
 * the task token the state waits on and then the command that runs it; the
 * result comes back by callback. Before it, the runner's expiry and the job's
 * slot are renewed for this phase (and the bake after it, once the job
 * decided to bake). A phase with no commands completes at once (clone always
 * has work, and so has after_test when the job lists artifacts: they are
 * collected there). The script gets where it stores artifacts, for as long as
 * the phase may run.
 */
export async function runPhase(input: unknown, deps: Deps): Promise<void> {
  const { buildId, jobId, runnerId, phase, taskToken } = phaseInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  const job = jobOf(build, replan(build, deps.planBuild), jobId);
  // Clone always has work, and so have on_image_bake (it removes the clone
  // folder) and a baking job's on_finish (it removes the job's state).
  const imageFollows =
    phase === 'on_finish' &&
    allOf(build, 'BakeStarted').some((e) => e.data.jobId === jobId);
  const hasWork =
    phase === 'clone' ||
    phase === 'on_image_bake' ||
    (phase === 'after_test' && job.artifacts.length > 0) ||
    imageFollows ||
    job.phases.some((p) => p.name === phase);
  if (!hasWork) {
    await deps.callbacks.succeed(taskToken, { phase, skipped: true });
    return;
  }

  const started = lastOf(build, 'BuildStarted');
  const launched = allOf(build, 'RunnerLaunched').find((e) => e.data.jobId === jobId);
  if (!started || !launched) {
    throw new BuildStateError(buildId, `job ${jobId} has no started build or runner`);
  }
  const timeoutSeconds = deps.settings.phaseTimeoutSeconds;
  const artifactUpload = await deps.artifacts.uploadTarget(
    buildId,
    jobId,
    timeoutSeconds,
  );
  const { shell, script } = await deps.generatePhaseScript({
    buildId,
    buildNumber: started.data.number,
    version: started.data.version,
    repository: build.requested.repository,
    trigger: triggerOf(build),
    job,
    phase,
    image: {
      ...launched.data.image,
      platform: job.platform,
      base: !launched.data.image.version,
    },
    artifactUpload,
    imageFollows,
  });
  const now = deps.now();
  const bakes = allOf(build, 'BakeStarted').some((e) => e.data.jobId === jobId);
  const expiresAt = leaseUntil(now, deps.settings, bakes);
  await renewLease({ buildId, jobId, runnerId, phase }, expiresAt, deps);
  await appendToBuild(deps.events, build, (now) => {
    const recorded = allOf(now, 'PhaseStarted').some(
      (e) => e.data.jobId === jobId && e.data.phase === phase,
    );

    return recorded ? [] : [newEvent('PhaseStarted', { jobId, phase })];
  });
  const startedAt = now.toISOString();
  await deps.waiting.put({
    runnerId,
    buildId,
    jobId,
    phase,
    callbackToken: taskToken,
    startedAt,
  });
  const commandId = await deps.fleet.startPhase({
    buildId,
    jobId,
    runnerId,
    phase,
    shell,
    script,
    timeoutSeconds,
    callbackToken: taskToken,
  });
  await deps.waiting.recordCommand(runnerId, taskToken, commandId);
  deps.log.info('phase sent', { buildId, jobId, runnerId, phase, commandId, expiresAt });
}

/**
 * Moves the runner's expiry and the job's slot to `expiresAt`. A renewal
 * that fails does not fail the phase: it is logged, and the runner's older
 * expiry stands (the reaper takes it only once that passed).
 */
async function renewLease(
  ids: { buildId: string; jobId: string; runnerId: string; phase: string },
  expiresAt: string,
  deps: Pick<Deps, 'fleet' | 'slots' | 'log'>,
): Promise<void> {
  try {
    await deps.fleet.renewExpiry(ids.runnerId, expiresAt);
  } catch (error) {
    deps.log.warn('runner expiry not renewed', { ...ids, error: String(error) });
  }
  if (!(await deps.slots.renew(ids.buildId, ids.jobId, expiresAt))) {
    deps.log.warn('job slot lapsed before the phase', ids);
  }
}
