import {
  type BuildEventData,
  type BuildStatus,
  findStreamKind,
  isEvent,
  streamSubject,
} from '../events/catalogue.ts';
import type { EventStore, StoredEvent } from '../events/store.ts';
import type { CommitStatus, StatusReporter } from '../ports/source-host.ts';

/** The status contexts: AppVeyor's two, under Bakehouse's name. */
export const statusContexts = {
  branch: 'continuous-integration/bakehouse/branch',
  pullRequest: 'continuous-integration/bakehouse/pr',
} as const;

/** What the reactor needs: the build streams, the reporter, and a link per build. */
export interface CommitStatusDeps {
  readonly store: Pick<EventStore, 'read'>;
  readonly reporter: StatusReporter;
  /** The page a status links to: the execution in the console, or a local page. */
  readonly targetUrl: (buildId: string) => string;
}

const finishedStates: Record<BuildStatus, [CommitStatus['state'], string]> = {
  success: ['success', 'succeeded'],
  failed: ['failure', 'failed'],
  error: ['error', 'errored'],
  cancelled: ['error', 'was cancelled'],
  interrupted: ['error', 'was interrupted'],
};

/**
 * The commit status that the event at `version` of a build stream calls for:
 * pending when the build starts, its outcome when it finishes, and nothing
 * for a skipped build or for any other event. `stream` holds the build's
 * events from version 1 through at least `version`.
 */
export function commitStatusFor(
  stream: readonly StoredEvent[],
  version: number,
  targetUrl: string,
): CommitStatus | undefined {
  const upTo = stream.filter((e) => e.version <= version);
  const event = upTo.find((e) => e.version === version);
  const requested = upTo.find((e) => isEvent(e, 'BuildRequested'))?.data as
    | BuildEventData['BuildRequested']
    | undefined;
  if (!event || !requested || upTo.some((e) => e.type === 'BuildSkipped'))
    return undefined;

  const started = upTo.find((e) => isEvent(e, 'BuildStarted'))?.data as
    | BuildEventData['BuildStarted']
    | undefined;
  const name = started ? `Build ${started.version}` : 'Build';
  const base = {
    repository: requested.repository,
    sha: requested.pullRequest?.headSha ?? requested.sha,
    context: requested.pullRequest ? statusContexts.pullRequest : statusContexts.branch,
    targetUrl,
  };
  if (isEvent(event, 'BuildStarted')) {
    return { ...base, state: 'pending', description: `${name} is running` };
  }
  if (!isEvent(event, 'BuildFinished')) return undefined;

  const rejected = upTo.find((e) => isEvent(e, 'ConfigRejected'))?.data as
    | BuildEventData['ConfigRejected']
    | undefined;
  const [first] = rejected?.errors ?? [];
  // The planner's message is already AppVeyor's whole text, location included.
  if (first) return { ...base, state: 'failure', description: first.message };
  const [state, verb] = finishedStates[event.data.status];

  return { ...base, state, description: `${name} ${verb}` };
}

/**
 * Posts the commit statuses that stored events call for, in order; the stream
 * poller and the status Lambda hand it each new event. A status posted twice
 * (a redelivered record) only repeats the same line on GitHub.
 */
export async function postCommitStatuses(
  events: readonly StoredEvent[],
  deps: CommitStatusDeps,
): Promise<CommitStatus[]> {
  const posted: CommitStatus[] = [];
  for (const event of events) {
    const relevant = event.type === 'BuildStarted' || event.type === 'BuildFinished';
    if (!relevant || findStreamKind(event.streamId) !== 'build') continue;

    const stream = await deps.store.read(event.streamId);
    const buildId = streamSubject(event.streamId);
    const status = commitStatusFor(stream, event.version, deps.targetUrl(buildId));
    if (!status) continue;
    await deps.reporter.post(status);
    posted.push(status);
  }

  return posted;
}
