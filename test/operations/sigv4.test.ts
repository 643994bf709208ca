import { describe, expect, it } from 'vitest';
import { type FetchFunction, signedFetch } from '../../bin/stack-endpoint.ts';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
});

/** A signed fetch over a fake one that keeps each request's headers. */
function recorder(): { send: FetchFunction; headers: Record<string, string>[] } {
  const headers: Record<string, string>[] = [];
  const fake: FetchFunction = async (_url, init) => {
    headers.push(init.headers as Record<string, string>);
    return new Response('{}');
  };

  return {
    send: signedFetch({ credentials, region: 'eu-central-1', fetch: fake }),
    headers,
  };
}

const api = 'https://abc123.execute-api.eu-central-1.amazonaws.com';

describe('signedFetch', () => {
  it('signs with SigV4 for execute-api in the region, with the session token', async () => {
    const { send, headers } = recorder();

    await send(`${api}/api/builds?limit=5`, { method: 'GET' });

    const [signed] = headers;
    expect(signed?.authorization).toMatch(
      new RegExp(
        '^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-central-1/execute-api/' +
          'aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;' +
          'x-amz-security-token, ' +
          'Signature=[0-9a-f]{64}$',
      ),
    );
    expect(signed?.host).toBe('abc123.execute-api.eu-central-1.amazonaws.com');
    expect(signed?.['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(signed?.['x-amz-security-token']).toBe('session-token');
  });

  it('signs the body and the query: a different one gives a different signature', async () => {
    const { send, headers } = recorder();
    const post = (body: string) =>
      send(`${api}/api/builds/01B/cancel`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });

    await post('{"reason":"a"}');
    await post('{"reason":"b"}');
    await send(`${api}/api/images/x/versions/1?force=true`, { method: 'DELETE' });
    await send(`${api}/api/images/x/versions/1?force=false`, { method: 'DELETE' });

    const signatures = headers.map((h) => h.authorization?.split('Signature=')[1]);
    expect(new Set(signatures).size).toBe(4);
    expect(headers[0]?.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token',
    );
  });
});
