/** The JSON body of a write request, decoded as API Gateway and the local server send it. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadParameterError } from './answers.ts';

/** The body's JSON object; an empty body is `{}`, anything but an object is refused. */
export function jsonBody(event: APIGatewayProxyEventV2): Record<string, unknown> {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadParameterError('the request body is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadParameterError('the request body should be a JSON object');
  }

  return parsed as Record<string, unknown>;
}

/** The most characters a cancel reason keeps. */
export const maxReasonLength = 500;

/** A reason for people: one line of printable text, at most {@link maxReasonLength}. */
export function reasonField(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new BadParameterError('reason should be a string');
  // Control characters would break a log line or a table in the CLI.
  const line = value.replace(/\p{Cc}+/gu, ' ').trim();
  if (line.length > maxReasonLength) {
    throw new BadParameterError(`reason is over ${maxReasonLength} characters`);
  }

  return line === '' ? fallback : line;
}
