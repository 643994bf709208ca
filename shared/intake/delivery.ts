/** A webhook request as intake sees it, whatever carried it. */
export interface WebhookRequest {
  /** Header names lower-cased, as Lambda Function URLs deliver them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The exact bytes GitHub signed. */
  readonly body: Uint8Array;
}

/** Intake's answer: an HTTP status and a small JSON body. */
export interface WebhookAnswer {
  readonly statusCode: number;
  readonly body: Readonly<Record<string, string>>;
}

/**
 * Runs the work of a delivery once per `X-GitHub-Delivery` id. Powertools
 * idempotency on DynamoDB in both worlds.
 */
export interface DeliveryDeduplicator {
  /**
   * Runs `accept` for the first delivery of an id and stores its answer; a
   * redelivery gets that stored answer, and one that arrives while the first
   * still runs gets `in-progress`. A failed `accept` stores nothing.
   */
  once(
    deliveryId: string,
    accept: () => Promise<WebhookAnswer>,
  ): Promise<WebhookAnswer | 'in-progress'>;
}

/** Where intake writes its decisions: Powertools Logger's shape. */
export interface DecisionLog {
  info(message: string, attributes: Readonly<Record<string, unknown>>): void;
  warn(message: string, attributes: Readonly<Record<string, unknown>>): void;
}

/** A JSON answer with a message for people. */
export function answer(statusCode: number, message: string): WebhookAnswer {
  return { statusCode, body: { message } };
}
