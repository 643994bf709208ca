import { createHash } from 'node:crypto';
import { bakeImageVariable } from '../config/bake.ts';
import type { PhaseOutcome } from '../events/catalogue/build-events.ts';
import { newEvent } from '../events/catalogue.ts';
import { maxTransactionItems } from '../events/commit-plan.ts';
import type { EventStore } from '../events/store.ts';
import type { BuildMessage, PhaseResult } from '../ports/runner-fleet.ts';
import { keptText } from '../text/bytes.ts';
import { type BuildEvents, decideOnBuild } from './build-decision.ts';
import { allOf, type BuildView, readBuild } from './build-stream.ts';
import { pushedArtifactEvents } from './pushed-artifacts.ts';

/**
 * The most events of one commit of a phase's result: a transaction's items,
 * less its idempotency item and its check of the expected version.
 */
export const phaseEventsPerCommit = maxTransactionItems - 2;

/**
 * The most bytes of event data in one commit of a phase's result: half of a
 * transaction's 4 MB, which leaves room for each item's keys and attributes.
 */
export const phaseBytesPerCommit = 2 * 1024 * 1024;

/**
 * The most of one message a script adds (`appveyor AddMessage`) that is
 * recorded, in UTF-8 bytes; a longer one is cut, saying so. The phase's log
 * holds whatever the script printed.
 */
export const maxScriptMessageBytes = 4 * 1024;

/**
 * Records a phase's result: the variables it set, the messages it added and
 * the artifacts it pushed, then PhaseFinished. A result too large for one
 * transaction (100 pushed artifacts and a few messages) is recorded in
 * several commits, PhaseFinished in the last; each commit carries the
 * idempotency key of its part (from the callback token and its number), so
 * a delivery repeated after a part was recorded records each part once. A
 * phase whose PhaseFinished is recorded records nothing.
 */
export async function recordPhase(
  events: EventStore,
  build: BuildView,
  result: PhaseResult,
): Promise<void> {
  const parts = commitParts(phaseEvents(result));
  let current = build;
  for (const [index, part] of parts.entries()) {
    if (index > 0) current = await readBuild(events, build.buildId);
    const recorded = await decideOnBuild(
      events,
      current,
      (now) => {
        const done = phaseRecorded(now, result.jobId, result.phase);

        return { events: done ? [] : part, answer: done };
      },
      { idempotencyKey: phaseResultKey(result.callbackToken, index + 1) },
    );
    if (recorded) return;
  }
}

/** True when the build already holds the phase's end (a repeat, or a race). */
export function phaseRecorded(build: BuildView, jobId: string, phase: string): boolean {
  return allOf(build, 'PhaseFinished').some(
    (e) => e.data.jobId === jobId && e.data.phase === phase,
  );
}

/**
 * The idempotency key of one part of a phase's result: a digest of the
 * callback token (AWS's are too long for a key), and the part's number.
 */
export function phaseResultKey(callbackToken: string, part: number): string {
  const token = createHash('sha256').update(callbackToken).digest('base64url');

  return `phase-result/${token}/${part}`;
}

/** The events split into commits within a transaction's items and bytes, in order. */
export function commitParts(events: BuildEvents): BuildEvents[] {
  const parts: BuildEvents[number][][] = [];
  let part: BuildEvents[number][] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event.data));
    const full =
      part.length === phaseEventsPerCommit || bytes + size > phaseBytesPerCommit;
    if (part.length > 0 && full) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(event);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);

  return parts;
}

const outcomes: Record<PhaseResult['outcome'], PhaseOutcome> = {
  succeeded: 'success',
  'exited-green': 'success',
  failed: 'failed',
  'timed-out': 'timedOut',
  'runner-lost': 'failed',
};

const levels: Record<BuildMessage['category'], 'information' | 'warning' | 'error'> = {
  Information: 'information',
  Warning: 'warning',
  Error: 'error',
};

/** The events of a phase's result, PhaseFinished last. */
function phaseEvents(result: PhaseResult): BuildEvents {
  const { jobId, phase } = result;

  return [
    ...Object.entries(result.variables).map(([name, value]) =>
      newEvent('VariableSet', {
        jobId,
        name,
        ...(name === bakeImageVariable && { value }),
      }),
    ),
    ...result.messages.map((m) =>
      newEvent('MessageAdded', {
        jobId,
        level: levels[m.category],
        message: keptText(m.message, maxScriptMessageBytes),
      }),
    ),
    ...pushedArtifactEvents(result),
    newEvent('PhaseFinished', {
      jobId,
      phase,
      outcome: outcomes[result.outcome],
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      logPointer: result.logPointer,
    }),
  ];
}
