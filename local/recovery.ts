import { rm } from 'node:fs/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { isEvent, newEvent } from '../shared/events/catalogue.ts';
import type { DynamoDbEventStore } from '../shared/events/dynamodb-event-store.ts';
import { StreamVersionConflictError } from '../shared/events/errors.ts';
import type { NewEvent, StoredEvent } from '../shared/events/store.ts';
import { RunnerLayout } from './runner-fleet/layout.ts';
import { killRunnerProcesses } from './runner-fleet/runner-processes.ts';

const reason = 'the embedded backend stopped while the build ran';

/**
 * Ends the builds an earlier embedded backend left running: their local
 * executions died with it. Each gets RunnerTerminated for the runners it
 * still had (whose folders are removed), JobFinished for its open jobs, and
 * BuildFinished, all `interrupted`, in one commit per build; the runners'
 * processes that outlived the earlier backend are killed.
 */
export async function recordInterruptedBuilds(
  events: DynamoDbEventStore,
  stateDir: string,
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<number> {
  let interrupted = 0;
  for (const { streamId } of await events.listStreams('build')) {
    const stream = await events.read(streamId);
    const closing = closingEvents(stream);
    if (closing.events.length === 0) continue;
    try {
      await events.commit({
        appends: [{ streamId, expectedVersion: stream.length, events: closing.events }],
      });
    } catch (error) {
      // Another writer moved the build on: it is not abandoned after all.
      if (error instanceof StreamVersionConflictError) continue;
      throw error;
    }
    for (const runnerId of closing.runners) {
      const { folder } = new RunnerLayout(stateDir, runnerId);
      killRunnerProcesses(folder);
      await rm(folder, { recursive: true, force: true });
    }
    interrupted += 1;
    log.warn('build interrupted', { buildId: streamId.replace(/^build-/, ''), reason });
  }

  return interrupted;
}

/** The events that close an unfinished build, and the runners it still holds. */
function closingEvents(stream: readonly StoredEvent[]): {
  events: NewEvent[];
  runners: string[];
} {
  // A skipped build ends with BuildSkipped: it never gets a BuildFinished.
  const ended = stream.some(
    (e) => isEvent(e, 'BuildFinished') || isEvent(e, 'BuildSkipped'),
  );
  if (ended) return { events: [], runners: [] };
  const runners = new Map<string, string>();
  const openJobs = new Set<string>();
  for (const event of stream) {
    if (isEvent(event, 'ConfigLoaded'))
      for (const job of event.data.jobs) openJobs.add(job.jobId);
    if (isEvent(event, 'RunnerLaunched'))
      runners.set(event.data.runnerId, event.data.jobId);
    if (isEvent(event, 'RunnerTerminated')) runners.delete(event.data.runnerId);
    if (isEvent(event, 'JobFinished')) openJobs.delete(event.data.jobId);
  }
  const closing: NewEvent[] = [
    ...[...runners].map(([runnerId, jobId]) =>
      newEvent('RunnerTerminated', { jobId, runnerId, reason }),
    ),
    ...[...openJobs].map((jobId) =>
      newEvent('JobFinished', { jobId, status: 'interrupted', allowedFailure: false }),
    ),
    newEvent('BuildFinished', { status: 'interrupted' }),
  ];

  return { events: closing, runners: [...runners.keys()] };
}
