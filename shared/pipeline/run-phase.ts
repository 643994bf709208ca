import { newEvent } from '../events/catalogue.ts';
import {
  allOf,
  appendToBuild,
  jobOf,
  lastOf,
  readBuild,
  replan,
  triggerOf,
} from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { BuildStateError } from './errors.ts';
import { phaseInput } from './inputs.ts';

type Deps = Pick<
  PipelineDeps,
  | 'events'
  | 'planBuild'
  | 'fleet'
  | 'callbacks'
  | 'waiting'
  | 'generatePhaseScript'
  | 'artifacts'
  | 'settings'
  | 'log'
  | 'now'
>;

/**
 * Sends one phase of a job to its runner as a generated script, remembering
 * the task token the state waits on; the result comes back by callback. A
 * phase with no commands completes at once (clone always has work, and so
 * has after_test when the job lists artifacts: they are collected there).
 * The script gets where it stores artifacts, for as long as the phase may run.
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
  const recorded = allOf(build, 'PhaseStarted').some(
    (e) => e.data.jobId === jobId && e.data.phase === phase,
  );
  if (!recorded) {
    await appendToBuild(deps.events, build, [newEvent('PhaseStarted', { jobId, phase })]);
  }
  const startedAt = deps.now().toISOString();
  await deps.waiting.put({
    runnerId,
    buildId,
    jobId,
    phase,
    callbackToken: taskToken,
    startedAt,
  });
  await deps.fleet.startPhase({
    buildId,
    jobId,
    runnerId,
    phase,
    shell,
    script,
    timeoutSeconds,
    callbackToken: taskToken,
  });
  deps.log.info('phase sent', { buildId, jobId, runnerId, phase });
}
