import { configMessages } from '../config/build-messages.ts';
import type { BuildPlan, Platform } from '../config/plan.ts';
import { expandVersion, versionBranch } from '../config/version.ts';
import { type EventType, newEvent, type TypedNewEvent } from '../events/catalogue.ts';
import { imageKey } from '../images/names.ts';
import type { SourceHost } from '../ports/source-host.ts';
import { type BuildEvents, decideOnBuild } from './build-decision.ts';
import {
  type BuildView,
  lastOf,
  readBuild,
  type TriggerFacts,
  triggerOf,
} from './build-stream.ts';
import type { PipelineDeps } from './deps.ts';
import { buildInput } from './inputs.ts';

/** A job of the Map: ids only. */
export interface JobRef {
  readonly buildId: string;
  readonly jobId: string;
}

/** What LoadConfig hands the state machine. */
export interface LoadConfigOutput {
  readonly buildId: string;
  readonly outcome: 'run' | 'skipped' | 'rejected';
  readonly jobs: readonly JobRef[];
}

type Deps = Pick<
  PipelineDeps,
  'events' | 'sourceHost' | 'planBuild' | 'imagePlatform' | 'allocateBuildNumber' | 'log'
>;

/**
 * Fetches the commit's appveyor.yml, plans the build and records the outcome:
 * ConfigLoaded and BuildStarted (with its number) for a build that runs,
 * ConfigRejected or BuildSkipped otherwise. A repeat returns the first answer.
 */
export async function loadConfig(input: unknown, deps: Deps): Promise<LoadConfigOutput> {
  const { buildId } = buildInput.parse(input);
  const build = await readBuild(deps.events, buildId);
  const earlier = decided(build);
  if (earlier) return earlier;

  const { repository, sha } = build.requested;
  const config = await deps.sourceHost.fetchConfig(repository, sha);
  if (!config) {
    const reason = `the commit ${sha} of ${repository} has no appveyor.yml`;
    const answer = await record(deps, build, [newEvent('BuildSkipped', { reason })], {
      buildId,
      outcome: 'skipped',
      jobs: [],
    });
    deps.log.info('build skipped', { buildId, reason });

    return answer;
  }

  const facts = await triggerFacts(build, deps.sourceHost);
  const trigger = triggerOf(build, facts);
  const first = deps.planBuild(config.text, trigger);
  // A custom image's or an operator's catalog name need not say its platform.
  const imagePlatforms = first.kind === 'build' ? await platformsOf(first, deps) : {};
  const plan =
    Object.keys(imagePlatforms).length > 0
      ? deps.planBuild(config.text, trigger, imagePlatforms)
      : first;
  const notes = plan.kind === 'rejected' ? [] : configMessages(plan);
  const messages = notes.map((note) => newEvent('MessageAdded', note));
  if (plan.kind === 'rejected') {
    const errors = plan.errors.map(({ message, line, column }) => ({
      message,
      line,
      column,
    }));
    const rejected = newEvent('ConfigRejected', { configPath: config.path, errors });
    const answer = await record(deps, build, [rejected], {
      buildId,
      outcome: 'rejected',
      jobs: [],
    });
    deps.log.info('config rejected', { buildId, errors: errors.length });

    return answer;
  }
  if (plan.kind === 'skipped') {
    const skipped = newEvent('BuildSkipped', { reason: plan.reason });
    const answer = await record(deps, build, [...messages, skipped], {
      buildId,
      outcome: 'skipped',
      jobs: [],
    });
    deps.log.info('build skipped', { buildId, reason: plan.reason });

    return answer;
  }

  const number = await deps.allocateBuildNumber(repository, buildId);
  const started = startedEvents(
    build,
    plan,
    { ...config, facts, imagePlatforms },
    number,
  );
  const answer = await record(deps, build, [...messages, ...started], {
    buildId,
    outcome: 'run',
    jobs: plan.jobs.map((j) => ({ buildId, jobId: j.id })),
  });
  deps.log.info('build started', { buildId, number, jobs: plan.jobs.length });

  return answer;
}

/**
 * Records LoadConfig's outcome, unless a repeat of it recorded one first:
 * that one stands, and is the answer.
 */
async function record(
  deps: Pick<Deps, 'events'>,
  build: BuildView,
  events: BuildEvents,
  answer: LoadConfigOutput,
): Promise<LoadConfigOutput> {
  return decideOnBuild(deps.events, build, (now) => {
    const earlier = decided(now);

    return earlier ? { events: [], answer: earlier } : { events, answer };
  });
}

function startedEvents(
  build: BuildView,
  plan: BuildPlan,
  config: {
    path: string;
    text: string;
    facts: TriggerFacts;
    imagePlatforms: Readonly<Record<string, Platform>>;
  },
  number: number,
): TypedNewEvent<EventType>[] {
  const branch = versionBranch(build.requested);
  const version = expandVersion(plan.versionFormat, { build: number, branch });

  return [
    newEvent('ConfigLoaded', {
      configPath: config.path,
      configText: config.text,
      triggerFacts: config.facts,
      ...(Object.keys(config.imagePlatforms).length > 0 && {
        imagePlatforms: config.imagePlatforms,
      }),
      jobs: plan.jobs.map((j) => ({ jobId: j.id, name: j.name, image: j.image })),
      versionFormat: plan.versionFormat,
      warnings: plan.warnings.length,
    }),
    newEvent('BuildStarted', { number, version }),
  ];
}

/**
 * The platforms of the images the plan's jobs name, by image key, where the
 * registry or the catalog knows them.
 */
async function platformsOf(
  plan: BuildPlan,
  deps: Pick<Deps, 'imagePlatform'>,
): Promise<Record<string, Platform>> {
  const platforms: Record<string, Platform> = {};
  for (const name of new Set(plan.jobs.map((j) => j.image))) {
    const platform = await deps.imagePlatform(name);
    if (platform) platforms[imageKey(name)] = platform;
  }

  return platforms;
}

/**
 * Asks the source host what the webhook could not say: a pull request's
 * files, a long push's files, and whether a pushed branch has an open pull
 * request (for `skip_branch_with_pr`).
 */
async function triggerFacts(build: BuildView, host: SourceHost): Promise<TriggerFacts> {
  const r = build.requested;
  if (r.pullRequest) {
    return {
      changedFiles: await host.pullRequestFiles(r.repository, r.pullRequest.number),
    };
  }
  const changedFiles =
    r.changedFiles ??
    (r.before && (await host.changedFiles?.(r.repository, r.before, r.sha)));
  const open = r.branch
    ? await host.hasOpenPullRequest(r.repository, r.branch)
    : undefined;

  return {
    ...(changedFiles && !r.changedFiles && { changedFiles }),
    ...(open !== undefined && { branchHasOpenPullRequest: open }),
  };
}

/** The answer already recorded for this build, when LoadConfig ran before. */
function decided(build: BuildView): LoadConfigOutput | undefined {
  const { buildId } = build;
  const loaded = lastOf(build, 'ConfigLoaded');
  if (loaded) {
    const jobs = loaded.data.jobs.map((j) => ({ buildId, jobId: j.jobId }));
    return { buildId, outcome: 'run', jobs };
  }
  if (lastOf(build, 'ConfigRejected')) return { buildId, outcome: 'rejected', jobs: [] };
  if (lastOf(build, 'BuildSkipped')) return { buildId, outcome: 'skipped', jobs: [] };

  return undefined;
}
