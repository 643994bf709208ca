import type { BuildPlan, JobPlan, Trigger } from '../config/plan.ts';
import {
  buildStream,
  type EventType,
  isEvent,
  type KnownEventOf,
} from '../events/catalogue.ts';
import type { EventStore, StoredEvent } from '../events/store.ts';
import type { PlanBuild } from './deps.ts';
import { BuildStateError, JobNotFoundError } from './errors.ts';

/** A build as its stream tells it: the request, the plan and the number. */
export interface BuildView {
  readonly buildId: string;
  readonly events: readonly StoredEvent[];
  readonly requested: KnownEventOf<'BuildRequested'>['data'];
}

/**
 * Reads the build stream; throws when it has no BuildRequested. Every task
 * reads the whole stream: a 40-job matrix grows it to about a thousand
 * events, which its last tasks each read again (no snapshot or per-job read
 * bounds this yet).
 */
export async function readBuild(events: EventStore, buildId: string): Promise<BuildView> {
  const stream = await events.read(buildStream(buildId));
  const requested = stream.find((e) => isEvent(e, 'BuildRequested'));
  if (!requested) throw new BuildStateError(buildId, 'the stream has no BuildRequested');

  return { buildId, events: stream, requested: requested.data };
}

/** The last event of a type in the build, if any. */
export function lastOf<T extends EventType>(
  build: BuildView,
  type: T,
): KnownEventOf<T> | undefined {
  return build.events.findLast((e): e is KnownEventOf<T> => isEvent(e, type));
}

/** Every event of a type in the build, in order. */
export function allOf<T extends EventType>(build: BuildView, type: T): KnownEventOf<T>[] {
  return build.events.filter((e): e is KnownEventOf<T> => isEvent(e, type));
}

/** The facts planning learnt from the source host, beyond BuildRequested. */
export interface TriggerFacts {
  readonly changedFiles?: readonly string[];
  readonly branchHasOpenPullRequest?: boolean;
}

/**
 * The trigger the config's filters see: the BuildRequested event, with the
 * facts ConfigLoaded kept (or those given, while loading the config).
 */
export function triggerOf(build: BuildView, given?: TriggerFacts): Trigger {
  const r = build.requested;
  const facts = given ?? lastOf(build, 'ConfigLoaded')?.data.triggerFacts ?? {};
  const changedFiles = facts.changedFiles ?? r.changedFiles;

  return {
    ...(r.branch !== undefined && { branch: r.branch }),
    ...(r.tag !== undefined && { tag: r.tag }),
    ...(r.pullRequest && {
      pullRequest: {
        number: r.pullRequest.number,
        headBranch: r.pullRequest.headBranch,
        fromFork: r.pullRequest.fromFork,
      },
    }),
    commit: { sha: r.sha, message: r.commit.message, author: r.commit.author },
    ...(changedFiles && { changedFiles }),
    ...(facts.branchHasOpenPullRequest !== undefined && {
      branchHasOpenPullRequest: facts.branchHasOpenPullRequest,
    }),
  };
}

/**
 * Plans the build again from the config text ConfigLoaded kept: planning is
 * deterministic and takes about a millisecond, so the state never carries it.
 */
export function replan(build: BuildView, planBuild: PlanBuild): BuildPlan {
  const loaded = lastOf(build, 'ConfigLoaded');
  // An empty appveyor.yml is a config too: one job on the default image.
  if (loaded?.data.configText === undefined) {
    throw new BuildStateError(build.buildId, 'no ConfigLoaded with the config text');
  }
  const plan = planBuild(
    loaded.data.configText,
    triggerOf(build),
    loaded.data.imagePlatforms,
  );
  if (plan.kind !== 'build') {
    throw new BuildStateError(build.buildId, `planning again gave a ${plan.kind} build`);
  }

  return plan;
}

/** The job's plan; throws JobNotFoundError when the build has no such job. */
export function jobOf(build: BuildView, plan: BuildPlan, jobId: string): JobPlan {
  const job = plan.jobs.find((j) => j.id === jobId);
  if (!job) throw new JobNotFoundError(build.buildId, jobId);

  return job;
}
