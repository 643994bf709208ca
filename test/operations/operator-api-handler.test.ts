import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  QueryCommand as DocumentQueryCommand,
  DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';

/** An HTTP API event of the operator API's `$default` stage. */
function request(method: string, path: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '10.0.0.1',
        userAgent: 'test',
      },
      requestId: 'r-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '03/Dec/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

describe('the operator API Lambda', () => {
  const dynamo = mockClient(DynamoDBClient);
  const views = mockClient(DynamoDBDocumentClient);
  let handler: typeof import('../../functions/operator-api.ts').handler;

  beforeAll(async () => {
    vi.stubEnv('EVENTS_TABLE', 'events');
    vi.stubEnv('VIEWS_TABLE', 'views');
    vi.stubEnv('PIPELINE_TABLE', 'pipeline');
    vi.stubEnv('RUNNER_LOG_GROUP', '/bakehouse/runners');
    vi.stubEnv(
      'STATE_MACHINE_ARN',
      'arn:aws:states:eu-west-1:123456789012:stateMachine:builds',
    );
    dynamo.on(QueryCommand).resolves({ Items: [] });
    views.on(DocumentQueryCommand).resolves({ Items: [] });
    ({ handler } = await import('../../functions/operator-api.ts'));
  });

  it('answers the badge from the views table, as an SVG', async () => {
    const answer = await handler(request('GET', '/badge/octo/app.svg'));

    expect(answer.headers?.['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(answer.body).toContain('build: unknown');
    const query = views.commandCalls(DocumentQueryCommand).at(-1)?.args[0].input;
    expect(query?.TableName).toBe('views');
  });

  it('hands GET /api/... to the read API', async () => {
    const answer = await handler(request('GET', '/api/projects'));

    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '')).toEqual({ projects: [] });
  });

  it('hands POST /api/... to the write API, reading the events table', async () => {
    const answer = await handler(request('POST', '/api/builds/01NONE/cancel'));

    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body ?? '')).toEqual({ message: 'build 01NONE not found' });
    expect(dynamo.commandCalls(QueryCommand).at(-1)?.args[0].input.TableName).toBe(
      'events',
    );
  });
});
