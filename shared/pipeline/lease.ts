import type { PipelineSettings } from './deps.ts';

/**
 * How long a job's runner and slot are held past the phase (or bake) they
 * were renewed for: a Lambda's retries, the callback, the runner's end.
 */
export const leaseMarginSeconds = 15 * 60;

/**
 * The time until which a job holds its runner and its slot: now, plus one
 * phase timeout, plus the bake's bound when the job bakes after this phase,
 * plus the margin. Renewed at every phase start, so the reaper never takes
 * a running job's runner, and takes a stuck one within a phase timeout.
 */
export function leaseUntil(
  now: Date,
  settings: Pick<PipelineSettings, 'phaseTimeoutSeconds' | 'bakeTimeoutSeconds'>,
  bakes = false,
): string {
  const seconds =
    settings.phaseTimeoutSeconds +
    (bakes ? settings.bakeTimeoutSeconds : 0) +
    leaseMarginSeconds;

  return new Date(now.getTime() + seconds * 1000).toISOString();
}
