import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type ReadApiDeps, readApiHandler } from '../../shared/api/read-api.ts';

/** A GET of `path` as a Function URL hands it over. */
function get(path: string): APIGatewayProxyEventV2 {
  return {
    rawPath: path,
    rawQueryString: '',
    requestContext: { stage: '$default', http: { method: 'GET' } },
  } as unknown as APIGatewayProxyEventV2;
}

describe('the read API when its views cannot be read', () => {
  it('answers 500 naming the path and where the cause is, and logs the cause', async () => {
    const logged: { message: string; attributes: Record<string, unknown> }[] = [];
    const broken = async () => {
      throw new Error('ResourceNotFoundException: the views table is gone');
    };
    const log: NonNullable<ReadApiDeps['log']> = {
      error: (message, attributes) => logged.push({ message, attributes }),
    };
    const handler = readApiHandler({
      views: { listProjects: broken },
      log,
    } as unknown as ReadApiDeps);

    const answer = await handler(get('/api/projects'));

    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(String(answer.body))).toEqual({
      message: "reading /api/projects failed; the backend's log says why",
    });
    expect(logged).toMatchObject([
      {
        message: 'read API request failed',
        attributes: {
          path: '/api/projects',
          error: { message: expect.stringMatching(/views table is gone/) },
        },
      },
    ]);
  });
});
