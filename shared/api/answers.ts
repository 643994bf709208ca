/** The read API's answers and the errors that turn into 4xx answers. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Raised when what a request names does not exist; answers 404 with its message. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Raised for a path or query parameter that is not valid; answers 400 with its message. */
export class BadParameterError extends Error {
  override readonly name = 'BadParameterError';
}

/**
 * What a route returns to send the client elsewhere: a 302 to `location`,
 * with a JSON body that says the same for clients that do not follow.
 */
export class Redirect {
  constructor(
    readonly location: string,
    readonly body: Readonly<Record<string, unknown>>,
  ) {}
}

/** The 302 answer of a {@link Redirect}. */
export function redirectAnswer(redirect: Redirect): APIGatewayProxyStructuredResultV2 {
  const answer = jsonAnswer(302, redirect.body);

  return { ...answer, headers: { ...answer.headers, location: redirect.location } };
}

/** A JSON answer. */
export function jsonAnswer(
  statusCode: number,
  body: unknown,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** A JSON answer `{ "message": ... }` for people and scripts alike. */
export function messageAnswer(
  statusCode: number,
  message: string,
): APIGatewayProxyStructuredResultV2 {
  return jsonAnswer(statusCode, { message });
}
