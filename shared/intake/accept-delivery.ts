import { classifyDelivery } from './classify.ts';
import { answer, type WebhookAnswer, type WebhookRequest } from './delivery.ts';
import { PayloadError } from './payloads.ts';
import { type BuildRequestDeps, requestBuild } from './request-build.ts';
import type { WebhookSecrets } from './webhook-secrets.ts';

/** What {@link acceptDelivery} works with; built once per process. */
export interface IntakeDeps extends BuildRequestDeps {
  readonly secrets: WebhookSecrets;
  /** The largest body accepted, in bytes. Default {@link defaultMaxBodyBytes}. */
  readonly maxBodyBytes?: number;
}

/** 5 MiB: under Lambda's 6 MB request limit, above any push GitHub sends us in practice. */
export const defaultMaxBodyBytes = 5 * 1024 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Handles one GitHub delivery: checks size and signature, classifies it, and
 * for a build request records BuildRequested and starts the build's execution
 * once per delivery id (request-build.ts). Answers 2xx for everything GitHub
 * should not redeliver, 4xx for requests that are wrong, and never records a
 * request it cannot verify.
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

  return requestBuild(classification.request, deliveryId, deps);
}

function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}
