import { buildStream, newEvent } from '../events/catalogue.ts';
import { IdempotencyInProgressError } from '../events/errors.ts';
import type { EventStore } from '../events/store.ts';
import type { Orchestrator } from '../ports/orchestrator.ts';
import { newBuildId } from './build-id.ts';
import { type BuildRequest, classifyDelivery } from './classify.ts';
import {
  answer,
  type DecisionLog,
  type DeliveryDeduplicator,
  type WebhookAnswer,
  type WebhookRequest,
} from './delivery.ts';
import { PayloadError } from './payloads.ts';
import type { WebhookSecrets } from './webhook-secrets.ts';

/** What {@link acceptDelivery} works with; built once per process. */
export interface IntakeDeps {
  readonly secrets: WebhookSecrets;
  readonly store: EventStore;
  readonly orchestrator: Orchestrator;
  readonly deduplicator: DeliveryDeduplicator;
  readonly log: DecisionLog;
  /** The largest body accepted, in bytes. Default {@link defaultMaxBodyBytes}. */
  readonly maxBodyBytes?: number;
  /** Default: a new ULID. */
  readonly newBuildId?: () => string;
  /** Default: the system clock. */
  readonly now?: () => Date;
}

/** 5 MiB: under Lambda's 6 MB request limit, above any push GitHub sends us in practice. */
export const defaultMaxBodyBytes = 5 * 1024 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Handles one GitHub delivery: checks size and signature, classifies it, and
 * for a build request appends BuildRequested and starts the build's execution,
 * once per delivery id. Answers 2xx for everything GitHub should not retry,
 * 4xx for requests that are wrong, and never records a request it cannot verify.
 */
export async function acceptDelivery(
  request: WebhookRequest,
  deps: IntakeDeps,
): Promise<WebhookAnswer> {
  const deliveryId = request.headers['x-github-delivery'];
  const maxBytes = deps.maxBodyBytes ?? defaultMaxBodyBytes;
  if (request.body.byteLength > maxBytes) {
    return answer(413, `the body is over ${maxBytes} bytes`);
  }

  const text = decodeUtf8(request.body);
  const signature = request.headers['x-hub-signature-256'] ?? '';
  if (text === undefined || !(await deps.secrets.verify(text, signature))) {
    deps.log.warn('delivery refused: signature missing or wrong', { deliveryId });

    return answer(401, 'X-Hub-Signature-256 is missing or does not match the body');
  }

  const event = request.headers['x-github-event'];
  if (!event) return answer(400, 'the X-GitHub-Event header is missing');
  if (!deliveryId) return answer(400, 'the X-GitHub-Delivery header is missing');
  const type = request.headers['content-type'] ?? 'application/json';
  if (!/^application\/json\b/i.test(type)) {
    return answer(415, `content type ${type} is not application/json`);
  }

  return classifyAndAccept(event, deliveryId, text, deps);
}

async function classifyAndAccept(
  event: string,
  deliveryId: string,
  text: string,
  deps: IntakeDeps,
): Promise<WebhookAnswer> {
  let classification: ReturnType<typeof classifyDelivery>;
  try {
    classification = classifyDelivery(event, JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) return answer(400, 'the body is not JSON');
    if (error instanceof PayloadError) return answer(400, error.message);
    throw error;
  }

  if (classification.kind === 'ping') return answer(200, 'pong');
  if (classification.kind === 'ignored') {
    deps.log.info('delivery ignored', {
      deliveryId,
      event,
      reason: classification.reason,
    });

    return answer(202, `ignored, because ${classification.reason}`);
  }

  const { request } = classification;
  const outcome = await deps.deduplicator
    .once(deliveryId, () => requestBuild(request, deliveryId, deps))
    .catch((error: unknown) => {
      // The event store's own key caught a twin that outlived the dedupe record.
      if (error instanceof IdempotencyInProgressError) return 'in-progress' as const;
      throw error;
    });
  if (outcome === 'in-progress') {
    deps.log.info('delivery is a duplicate still in progress', { deliveryId });

    return answer(202, 'duplicate, in progress');
  }

  return outcome;
}

/**
 * Appends BuildRequested to a new build stream and starts the execution. The
 * commit carries the delivery id as its idempotency key too, so a retry after
 * a failed start finds the first build instead of requesting a second one.
 */
async function requestBuild(
  request: BuildRequest,
  deliveryId: string,
  deps: IntakeDeps,
): Promise<WebhookAnswer> {
  const candidateId = (deps.newBuildId ?? newBuildId)();
  const requestedAt = (deps.now?.() ?? new Date()).toISOString();
  const outcome = await deps.store.commit({
    appends: [
      {
        streamId: buildStream(candidateId),
        expectedVersion: 0,
        events: [
          newEvent('BuildRequested', {
            ...request,
            buildId: candidateId,
            deliveryId,
            requestedAt,
          }),
        ],
      },
    ],
    idempotencyKey: `delivery-${deliveryId}`,
    result: { buildId: candidateId },
  });
  const buildId = String(outcome.result?.buildId ?? candidateId);

  await deps.orchestrator.startBuild(
    buildId,
    executionInput(buildId, request, deliveryId),
  );
  deps.log.info('build requested', {
    deliveryId,
    buildId,
    repository: request.repository,
    ref: request.ref,
    sha: request.sha,
  });

  return { statusCode: 202, body: { buildId } };
}

/** The execution's input: the same for every retry of a delivery, so starts stay idempotent. */
export function executionInput(
  buildId: string,
  request: BuildRequest,
  deliveryId: string,
): Record<string, unknown> {
  return {
    buildId,
    repository: request.repository,
    ref: request.ref,
    sha: request.sha,
    deliveryId,
  };
}

function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}
