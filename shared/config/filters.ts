/**
 * Decides whether a trigger is built: skip markers in the commit title, tag
 * rules, branch filters, `skip_branch_with_pr`, and commit filters on the
 * title, the author and the changed files. Each answer that skips says why.
 */
import type { CommitFilter, Config } from './config.ts';
import { anyRuleMatches } from './glob.ts';
import { patternEquals, patternFinds } from './patterns.ts';
import type { Trigger } from './plan.ts';
import { branchAccepted } from './select.ts';

const skipMarkers = ['[skip ci]', '[ci skip]', '[skip appveyor]'];

/** The commit title: the message up to its first blank line. */
export function commitTitle(message: string): string {
  return (message.split(/\r?\n[ \t]*\r?\n/)[0] ?? '').trim();
}

/** Why the commit title skips the build, if it has a skip marker. */
export function skipMarkerReason(trigger: Trigger): string | undefined {
  const title = commitTitle(trigger.commit.message).toLowerCase();
  const marker = skipMarkers.find((candidate) => title.includes(candidate));

  return marker ? `the commit title has ${marker}` : undefined;
}

function authorMatches(filter: CommitFilter, trigger: Trigger): boolean {
  const { name, email } = trigger.commit.author;
  const author = filter.author;

  return (
    author !== undefined && [name, email].some((text) => patternEquals(author, text))
  );
}

function messageMatches(filter: CommitFilter, trigger: Trigger): boolean {
  const message = filter.message;

  return (
    message !== undefined && patternFinds(message, commitTitle(trigger.commit.message))
  );
}

function skipCommitsReason(filter: CommitFilter, trigger: Trigger): string | undefined {
  if (messageMatches(filter, trigger))
    return 'the commit title matches skip_commits.message';
  if (authorMatches(filter, trigger))
    return 'the commit author matches skip_commits.author';
  const files = trigger.changedFiles ?? [];
  const allMatch = files.every((file) => anyRuleMatches(filter.files, file));
  if (filter.files.length > 0 && files.length > 0 && allMatch) {
    return 'every changed file matches skip_commits.files';
  }

  return undefined;
}

function onlyCommitsReason(filter: CommitFilter, trigger: Trigger): string | undefined {
  const files = trigger.changedFiles;
  const filesKnown = filter.files.length > 0 && files !== undefined;
  const criteria = [filter.message, filter.author, filesKnown ? true : undefined];
  if (criteria.every((criterion) => criterion === undefined)) return undefined;
  const fileMatch =
    filesKnown && (files ?? []).some((file) => anyRuleMatches(filter.files, file));
  if (messageMatches(filter, trigger) || authorMatches(filter, trigger) || fileMatch) {
    return undefined;
  }

  return 'the commit matches none of only_commits';
}

function branchReason(config: Config, trigger: Trigger): string | undefined {
  if (trigger.tag !== undefined) {
    return branchAccepted(config.branches, trigger.tag)
      ? undefined
      : `tag '${trigger.tag}' is filtered out by branches`;
  }
  const branch = trigger.branch ?? '';
  if (trigger.pullRequest && (config.branches?.only.length ?? 0) > 0) return undefined;

  return branchAccepted(config.branches, branch)
    ? undefined
    : `branch '${branch}' is filtered out by branches`;
}

/** True when tag builds of this config ignore filters (APPVEYOR_IGNORE_COMMIT_FILTERING_ON_TAG). */
export function ignoresFiltersOnTag(config: Config, trigger: Trigger): boolean {
  const flag = config.environment.global.find(
    (variable) =>
      variable.name.toUpperCase() === 'APPVEYOR_IGNORE_COMMIT_FILTERING_ON_TAG',
  );

  return trigger.tag !== undefined && flag?.value.trim().toLowerCase() === 'true';
}

/**
 * Why the config does not build this trigger, or undefined when it does.
 * Skip markers are checked separately: they apply before any config is chosen.
 */
export function filterReason(config: Config, trigger: Trigger): string | undefined {
  if (ignoresFiltersOnTag(config, trigger)) return undefined;
  if (trigger.tag !== undefined && config.skipTags) return 'skip_tags is set';
  if (trigger.tag === undefined && config.skipNonTags) return 'skip_non_tags is set';
  const branch = branchReason(config, trigger);
  if (branch) return branch;
  if (
    config.skipBranchWithPr &&
    !trigger.pullRequest &&
    trigger.tag === undefined &&
    trigger.branchHasOpenPullRequest
  ) {
    return 'skip_branch_with_pr is set and the branch has an open pull request';
  }
  const skip = config.skipCommits
    ? skipCommitsReason(config.skipCommits, trigger)
    : undefined;

  return (
    skip ??
    (config.onlyCommits ? onlyCommitsReason(config.onlyCommits, trigger) : undefined)
  );
}
