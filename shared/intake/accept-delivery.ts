import { createHash } from 'node:crypto';
import { classifyDelivery } from './classify.ts';
import { answer, type WebhookAnswer, type WebhookRequest } from './delivery.ts';
import { deliveryIdShape, loggedDeliveryId } from './limits.ts';
import { PayloadError } from './payloads.ts';
import { type BuildRequestDeps, type Delivery, requestBuild } from './request-build.ts';
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
 * Handles one GitHub delivery: checks size and signature (over the exact
 * bytes), then the headers and the body's text, classifies it, and for a
 * build request records BuildRequested and starts the build's execution
 * once per delivery id (request-build.ts). Answers 2xx for everything GitHub
 * should not redeliver, 4xx naming what is wrong with a request, and never
 * records a request it cannot verify.
 */
export async function acceptDelivery(
  request: WebhookRequest,
  deps: IntakeDeps,
): Promise<WebhookAnswer> {
  const maxBytes = deps.maxBodyBytes ?? defaultMaxBodyBytes;
  if (request.body.byteLength > maxBytes) {
    return answer(413, `the body is over ${maxBytes} bytes`);
  }

  const signature = request.headers['x-hub-signature-256'] ?? '';
  if (!(await deps.secrets.verify(request.body, signature))) {
    deps.log.warn('delivery refused: signature missing or wrong', {
      deliveryId: loggedDeliveryId(request.headers['x-github-delivery']),
    });

    return answer(401, 'X-Hub-Signature-256 is missing or does not match the body');
  }

  const refused = refusedHeaders(request);
  if (refused) return refused;
  const text = bodyText(request.body);
  if (typeof text !== 'string') return text;

  return classifyAndAccept(
    request.headers['x-github-event'] ?? '',
    {
      id: request.headers['x-github-delivery'] ?? '',
      payloadSha256: sha256(request.body),
    },
    text,
    deps,
  );
}

/** The answer to a verified request whose headers are missing or malformed. */
function refusedHeaders(request: WebhookRequest): WebhookAnswer | undefined {
  const { headers } = request;
  if (!headers['x-github-event']) {
    return answer(400, 'the X-GitHub-Event header is missing');
  }
  const deliveryId = headers['x-github-delivery'];
  if (!deliveryId) return answer(400, 'the X-GitHub-Delivery header is missing');
  if (!deliveryIdShape.test(deliveryId)) {
    const odd = /[^A-Za-z0-9-]/.exec(deliveryId)?.[0];
    const found = odd ? JSON.stringify(odd) : `${deliveryId.length} characters`;

    return answer(
      400,
      'the X-GitHub-Delivery header should be 1–100 letters, digits and hyphens ' +
        `(GitHub sends a GUID); it has ${found}`,
    );
  }
  const type = headers['content-type'] ?? 'application/json';
  if (!/^application\/json\b/i.test(type)) {
    return answer(415, `content type ${type.slice(0, 100)} is not application/json`);
  }

  return undefined;
}

/** The body as text, or the answer to a body that is empty or not UTF-8. */
function bodyText(body: Uint8Array): string | WebhookAnswer {
  if (body.byteLength === 0) return answer(400, 'the body is empty');

  return decodeUtf8(body) ?? answer(400, 'the body is not UTF-8');
}

async function classifyAndAccept(
  event: string,
  delivery: Delivery,
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
      deliveryId: delivery.id,
      event,
      reason: classification.reason,
    });

    return answer(202, `ignored, because ${classification.reason}`);
  }

  return requestBuild(classification.request, delivery, deps);
}

function sha256(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}
