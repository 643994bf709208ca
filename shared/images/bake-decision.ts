import { bakeImageVariable } from '../config/bake.ts';
import type { BakeIntent, Trigger } from '../config/plan.ts';
import { findCatalogEntry, type ImageSettings } from './catalog.ts';
import { validImageName } from './names.ts';

/** How a job ended, as the bake decision sees it. */
export type JobOutcome = 'succeeded' | 'failed' | 'cancelled' | 'timed-out';

/** Whether a job bakes, with the name, or the reason it does not. */
export type BakeDecision =
  | { readonly bake: true; readonly name: string }
  | { readonly bake: false; readonly reason: string };

/**
 * Decides whether a finished job bakes an image. The name set at run time
 * (`appveyor SetVariable`, or the environment a phase left) wins over the
 * static one. Never for a failed job or a fork's pull request; a pull request
 * from the same repository only when the operator allows it.
 */
export function shouldBake(
  outcome: JobOutcome,
  intent: BakeIntent,
  runtimeVariables: Readonly<Record<string, string>>,
  trigger: Pick<Trigger, 'pullRequest'>,
  settings: Pick<ImageSettings, 'allowSameRepositoryPullRequestBakes' | 'catalog'>,
): BakeDecision {
  const written =
    runtimeVariables[bakeImageVariable]?.trim() || intent.staticName?.trim();
  if (!written) return skip(`${bakeImageVariable} is not set`);
  if (outcome !== 'succeeded') {
    return skip(`bake of ${written} skipped: the job ${describe(outcome)}`);
  }
  const pullRequest = trigger.pullRequest;
  if (pullRequest?.fromFork) {
    return skip(
      `bake of ${written} skipped: pull request #${pullRequest.number} is from a fork`,
    );
  }
  if (pullRequest && !settings.allowSameRepositoryPullRequestBakes) {
    return skip(
      `bake of ${written} skipped: the operator does not allow bakes in pull requests ` +
        `(#${pullRequest.number})`,
    );
  }
  let name: string;
  try {
    name = validImageName(written);
  } catch (error) {
    return skip(`bake skipped: ${(error as Error).message}`);
  }
  const base = findCatalogEntry(settings.catalog, name);
  if (base) return skip(`bake of ${name} skipped: ${base.name} is a base image name`);

  return { bake: true, name };
}

function skip(reason: string): BakeDecision {
  return { bake: false, reason };
}

function describe(outcome: Exclude<JobOutcome, 'succeeded'>): string {
  const words = {
    failed: 'failed',
    cancelled: 'was cancelled',
    'timed-out': 'timed out',
  };

  return words[outcome];
}
