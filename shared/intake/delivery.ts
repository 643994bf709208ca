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

/** Where intake writes its decisions: Powertools Logger's shape. */
export interface DecisionLog {
  info(message: string, attributes: Readonly<Record<string, unknown>>): void;
  warn(message: string, attributes: Readonly<Record<string, unknown>>): void;
}

/** A JSON answer with a message for people. */
export function answer(statusCode: number, message: string): WebhookAnswer {
  return { statusCode, body: { message } };
}
