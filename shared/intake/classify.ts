import type { BuildEventData } from '../events/catalogue/build-events.ts';
import { cutToBytes } from '../text/bytes.ts';
import { keptChangedFiles, keptCommitMessage, maxAuthorBytes } from './limits.ts';
import {
  parsePayload,
  pullRequestEnvelope,
  pullRequestPayload,
  pushEnvelope,
  pushPayload,
} from './payloads.ts';

/** What a delivery asks for, before the build has an id or a time. */
export type BuildRequest = Omit<
  BuildEventData['BuildRequested'],
  'buildId' | 'deliveryId' | 'requestedAt'
>;

/** What intake makes of one GitHub delivery. */
export type Classification =
  | { readonly kind: 'build'; readonly request: BuildRequest }
  | { readonly kind: 'ping' }
  | { readonly kind: 'ignored'; readonly reason: string };

/** Pull-request actions that build: new commits, or a pull request (re)opened. */
export const buildingActions: readonly string[] = ['opened', 'synchronize', 'reopened'];

/**
 * The most changed files a build request carries; a longer list is left out
 * (unknown), so filters ask the source host instead of trusting a cut list.
 * The paths' bytes are bounded too (limits.ts).
 */
export const maxChangedFiles = 500;

const zeroSha = /^0+$/;

/**
 * Classifies a GitHub delivery by its `X-GitHub-Event` name and parsed body:
 * a build request, a ping, or ignored with the reason. Throws a PayloadError
 * when a payload that would build lacks a field the build needs or has a
 * name GitHub would not send. Free text is kept within limits.ts's budget.
 */
export function classifyDelivery(event: string, payload: unknown): Classification {
  if (event === 'ping') return { kind: 'ping' };
  if (event === 'push') return classifyPush(payload);
  if (event === 'pull_request') return classifyPullRequest(payload);

  return { kind: 'ignored', reason: `event '${event}' does not start builds` };
}

function classifyPush(payload: unknown): Classification {
  const envelope = parsePayload('push', pushEnvelope, payload);
  if (envelope.deleted || zeroSha.test(envelope.after)) {
    return { kind: 'ignored', reason: `push deletes ${envelope.ref}` };
  }
  const target = refTarget(envelope.ref);
  if (!target) {
    return {
      kind: 'ignored',
      reason: `ref ${envelope.ref} is neither a branch nor a tag`,
    };
  }

  const push = parsePayload('push', pushPayload, payload);
  const head = push.head_commit;
  const files = keptChangedFiles(changedFiles(head), maxChangedFiles);

  return {
    kind: 'build',
    request: {
      repository: push.repository.full_name,
      sha: head.id,
      ref: push.ref,
      ...target,
      ...(push.before && !zeroSha.test(push.before) && { before: push.before }),
      commit: commitOf(head.message, head.author.name, head.author.email ?? ''),
      ...(files && { changedFiles: files }),
    },
  };
}

/**
 * The files commit filters look at: those of the push's head commit only, as
 * AppVeyor's `skip_commits.files` / `only_commits.files` read them, not those
 * of the earlier commits of the push.
 */
function changedFiles(head: {
  readonly added?: readonly string[];
  readonly modified?: readonly string[];
  readonly removed?: readonly string[];
}): Set<string> {
  return new Set([
    ...(head.added ?? []),
    ...(head.modified ?? []),
    ...(head.removed ?? []),
  ]);
}

function refTarget(ref: string): { branch: string } | { tag: string } | undefined {
  const [, kind, name] = /^refs\/(heads|tags)\/(.+)$/.exec(ref) ?? [];
  if (!name) return undefined;

  return kind === 'heads' ? { branch: name } : { tag: name };
}

/**
 * A pull-request build builds the merge commit GitHub prepares. GitHub often
 * has not computed it yet when `opened` arrives (`merge_commit_sha` is null);
 * then the request's sha is the head commit, and only the clone, which checks
 * out `refs/pull/N/merge`, sees the merge. The commit message is the pull
 * request's title and body, and the author its opener's login with no email,
 * because the payload does not carry the head commit's own message or author.
 */
function classifyPullRequest(payload: unknown): Classification {
  const { action } = parsePayload('pull_request', pullRequestEnvelope, payload);
  if (!buildingActions.includes(action)) {
    return { kind: 'ignored', reason: `pull_request action '${action}' does not build` };
  }

  const {
    number,
    repository,
    pull_request: pr,
  } = parsePayload('pull_request', pullRequestPayload, payload);
  const message = pr.body ? `${pr.title}\n\n${pr.body}` : pr.title;

  return {
    kind: 'build',
    request: {
      repository: repository.full_name,
      sha: pr.merge_commit_sha ?? pr.head.sha,
      ref: `refs/pull/${number}/merge`,
      branch: pr.base.ref,
      pullRequest: {
        number,
        headSha: pr.head.sha,
        headBranch: pr.head.ref,
        fromFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
      },
      commit: commitOf(message, pr.user.login, ''),
    },
  };
}

/** The commit of a build request, its message and author within the budget. */
function commitOf(message: string, name: string, email: string): BuildRequest['commit'] {
  return {
    message: keptCommitMessage(message),
    author: {
      name: cutToBytes(name, maxAuthorBytes),
      email: cutToBytes(email, maxAuthorBytes),
    },
  };
}
