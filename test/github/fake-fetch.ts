/** A request a fake GitHub received. */
export interface SeenRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: unknown;
}

/** A canned answer: status, JSON or text body, headers. */
export interface CannedAnswer {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

/**
 * A fetch for Octokit that answers from `route` and records every request,
 * so tests check the request shapes GitHub would receive.
 */
export function fakeGitHub(route: (request: SeenRequest) => CannedAnswer) {
  const seen: SeenRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const text = await request.text();
    const seenRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    seen.push(seenRequest);
    const answer = route(seenRequest);
    const body =
      answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
    const type = answer.json !== undefined ? 'application/json' : 'text/plain';

    return new Response(answer.status === 204 ? null : body, {
      status: answer.status ?? 200,
      headers: { 'content-type': type, ...answer.headers },
    });
  };

  return { fetch: fetch as typeof globalThis.fetch, seen };
}
