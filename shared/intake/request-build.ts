/**
 * The build request of a delivery, recorded once per `X-GitHub-Delivery` id
 * by a single conditional write, and its execution started.
 *
 * The write is one event store commit: BuildRequested appended to a new
 * build stream and the idempotency item `delivery-<id>`, which keeps the
 * build id and the execution input, in one DynamoDB transaction. That
 * transaction is the whole deduplication; its three outcomes are:
 *
 * - committed: the first delivery of the id. Its execution is started and
 *   it is answered 202 with the build id.
 * - the key was committed before: a redelivery, or a twin that lost the
 *   race. It is answered as the first was, with the stored build id, and
 *   the execution is started again by the same name and stored input, which
 *   starts nothing when it exists. A build stream past BuildRequested skips
 *   that start: a pipeline task (or the embedded backend's recovery) has
 *   written to it, so the build is long past its start.
 * - another transaction holds the key at this moment: a twin of a delivery
 *   still being handled, answered 202 "duplicate, in progress".
 *
 * Crash windows. Before the commit nothing is recorded, and the delivery,
 * not answered 2xx, is handled afresh when redelivered; the SDK retries a
 * transaction with the client request token it drew for it, so its retry
 * of a commit that went through succeeds as that commit, not as a twin.
 * After the commit and before the start, the build is recorded without an
 * execution, and the delivery was not answered 2xx: its redelivery finds
 * the key and starts the execution from the stored input. After the start
 * and before the answer, the redelivery's start finds the execution and
 * starts nothing. Step Functions keeps an execution name for 90 days after
 * it closes, longer than GitHub keeps a delivery for redelivery (3 days, 7
 * on GitHub Enterprise Server); the embedded backend, which forgets its
 * executions when it stops, records unfinished builds as interrupted when
 * it starts, which moves their streams past BuildRequested.
 *
 * One window stays open: a twin answered "duplicate, in progress" while
 * the first attempt commits and then dies before its start. The first
 * attempt was not answered 2xx, so GitHub lists it as failed; redelivering
 * it starts the build.
 *
 * A delivery id reused for a different body is answered as a redelivery
 * too, with the first build and its stored input, and logged as a warning
 * with the SHA-256 of both bodies (never the bodies). GitHub never reuses
 * an id for another payload and redelivers the same body, so a difference
 * is a sender's mistake, not a second build to start; refusing it instead
 * could strand a first delivery whose start failed.
 *
 * A build request the event store cannot hold (EventTooLargeError,
 * CommitTooLargeError) is answered 413 naming its largest field: it is the
 * delivery that is too large, and redelivering it would fail again. The
 * budget in limits.ts keeps classified deliveries far from that limit.
 */
import { buildStream, newEvent } from '../events/catalogue.ts';
import {
  CommitTooLargeError,
  EventTooLargeError,
  IdempotencyInProgressError,
} from '../events/errors.ts';
import type { CommitOutcome, VersionedEventStore } from '../events/store.ts';
import type { Orchestrator } from '../ports/orchestrator.ts';
import { newBuildId } from './build-id.ts';
import type { BuildRequest } from './classify.ts';
import { answer, type DecisionLog, type WebhookAnswer } from './delivery.ts';

/** What {@link requestBuild} works with. */
export interface BuildRequestDeps {
  readonly store: VersionedEventStore;
  readonly orchestrator: Orchestrator;
  readonly log: DecisionLog;
  /** Default: a new ULID. */
  readonly newBuildId?: () => string;
  /** Default: the system clock. */
  readonly now?: () => Date;
}

/** The execution input of a build: the same for every start of it. */
export type ExecutionInput = Readonly<Record<string, unknown>>;

/** One delivery: its `X-GitHub-Delivery` id and the SHA-256 (hex) of its exact body. */
export interface Delivery {
  readonly id: string;
  readonly payloadSha256: string;
}

/**
 * Records the build request of a delivery, once per delivery id, and starts
 * its execution; see the file's comment for the outcomes and crash windows.
 */
export async function requestBuild(
  request: BuildRequest,
  delivery: Delivery,
  deps: BuildRequestDeps,
): Promise<WebhookAnswer> {
  const deliveryId = delivery.id;
  const candidateId = (deps.newBuildId ?? newBuildId)();
  const input = executionInput(candidateId, request, deliveryId);
  let outcome: CommitOutcome;
  try {
    outcome = await deps.store.commit({
      appends: [
        {
          streamId: buildStream(candidateId),
          expectedVersion: 0,
          events: [
            newEvent('BuildRequested', {
              ...request,
              buildId: candidateId,
              deliveryId,
              requestedAt: (deps.now?.() ?? new Date()).toISOString(),
            }),
          ],
        },
      ],
      idempotencyKey: deliveryKey(deliveryId),
      result: { buildId: candidateId, input, payloadSha256: delivery.payloadSha256 },
    });
  } catch (error) {
    if (error instanceof EventTooLargeError || error instanceof CommitTooLargeError) {
      return tooLarge(request, deliveryId, error, deps);
    }
    if (!(error instanceof IdempotencyInProgressError)) throw error;
    deps.log.info('delivery is a duplicate still in progress', { deliveryId });

    return answer(202, 'duplicate, in progress');
  }

  if (outcome.duplicate) return redelivered(outcome, request, delivery, deps);
  await deps.orchestrator.startBuild(candidateId, input);
  deps.log.info('build requested', {
    deliveryId,
    buildId: candidateId,
    repository: request.repository,
    ref: request.ref,
    sha: request.sha,
  });

  return accepted(candidateId);
}

/** The idempotency key of a delivery in the event store. */
function deliveryKey(deliveryId: string): string {
  return `delivery-${deliveryId}`;
}

/** The execution input of a build: the same for every retry of a delivery. */
export function executionInput(
  buildId: string,
  request: BuildRequest,
  deliveryId: string,
): ExecutionInput {
  return {
    buildId,
    repository: request.repository,
    ref: request.ref,
    sha: request.sha,
    deliveryId,
  };
}

/**
 * A delivery whose key was committed before: answered with the first build
 * id, and the first execution started unless its build has moved on. A key
 * stored without an input (by an earlier version of intake) starts with this
 * delivery's, which GitHub sends unchanged on a redelivery.
 */
async function redelivered(
  outcome: CommitOutcome,
  request: BuildRequest,
  delivery: Delivery,
  deps: BuildRequestDeps,
): Promise<WebhookAnswer> {
  const deliveryId = delivery.id;
  const buildId = String(outcome.result?.buildId);
  const stored = outcome.result?.input;
  const input =
    stored && typeof stored === 'object'
      ? (stored as ExecutionInput)
      : executionInput(buildId, request, deliveryId);
  const firstSha256 = outcome.result?.payloadSha256;
  if (typeof firstSha256 === 'string' && firstSha256 !== delivery.payloadSha256) {
    deps.log.warn('delivery id reused for a different payload; answered as the first', {
      deliveryId,
      buildId,
      firstPayloadSha256: firstSha256,
      payloadSha256: delivery.payloadSha256,
    });
  }
  const movedOn = (await deps.store.version(buildStream(buildId))) > 1;
  if (!movedOn) await deps.orchestrator.startBuild(buildId, input);
  deps.log.info('delivery is a redelivery', { deliveryId, buildId, movedOn });

  return accepted(buildId);
}

/** The 413 of a build request the event store cannot hold, naming its largest field. */
function tooLarge(
  request: BuildRequest,
  deliveryId: string,
  error: Error,
  deps: BuildRequestDeps,
): WebhookAnswer {
  const { field, bytes } = largestField(request);
  deps.log.warn('delivery refused: build request too large to record', {
    deliveryId,
    field,
    bytes,
    error: error.message,
  });

  return answer(
    413,
    `the build request is too large to record (${error.name}); ` +
      `its largest field is ${field}, ${bytes} bytes`,
  );
}

/** The leaf of `value` that takes the most bytes (UTF-8, JSON for a list), by its path. */
function largestField(value: unknown, path = ''): { field: string; bytes: number } {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value)
      .map(([key, child]) => largestField(child, path ? `${path}.${key}` : key))
      .reduce((a, b) => (b.bytes > a.bytes ? b : a), { field: path, bytes: 0 });
  }

  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');

  return { field: path, bytes: Buffer.byteLength(text) };
}

function accepted(buildId: string): WebhookAnswer {
  return { statusCode: 202, body: { buildId } };
}
