import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHttpServer, startHttpServer } from '../../local/http-server.ts';
import { localClient } from '../events/support.ts';
import { type LocalIntake, localIntake } from './intake-wiring.ts';
import { signedRequest } from './support.ts';

const push = (n: number) => ({
  ref: 'refs/heads/main',
  after: n.toString(16).padStart(40, '0').replace(/^0/, 'a'),
  repository: { full_name: 'octo/app' },
  head_commit: {
    id: n.toString(16).padStart(40, 'b'),
    message: `Commit ${n}`,
    author: { name: 'Mona', email: 'mona@example.com' },
  },
});

const longPaths = (count: number) =>
  Array.from({ length: count }, (_, i) => `${i}/${'p'.repeat(1_000)}`);
const named = (fullName: string) => ({
  ...push(11),
  repository: { full_name: fullName },
});

async function post(
  server: LocalHttpServer,
  event: string,
  payload: unknown,
  id: string,
) {
  const request = await signedRequest(event, payload, id);
  const response = await fetch(`${server.url}/webhook`, {
    method: 'POST',
    headers: request.headers as Record<string, string>,
    body: request.body,
  });

  return {
    status: response.status,
    body: (await response.json()) as Record<string, string>,
  };
}

async function builds(intake: LocalIntake) {
  const events = await intake.store.scanAll();

  return events.filter((e) => e.type === 'BuildRequested');
}

describe('intake through the local HTTP server on DynamoDB Local', () => {
  let client: DynamoDBClient;
  let server: LocalHttpServer;
  let intake: LocalIntake;

  beforeAll(async () => {
    client = localClient();
    intake = await localIntake(client, 'webhook-http');
    server = await startHttpServer({ routes: intake.routes });
  });
  afterAll(async () => {
    await server.stop();
    client.destroy();
  });

  it('turns 1,000 concurrent deliveries of 100 delivery ids into exactly 100 builds', async () => {
    const ids = Array.from({ length: 100 }, () => randomUUID());
    const sends = Array.from({ length: 1_000 }, (_, i) => ({
      n: i % 100,
      id: ids[i % 100],
    }));

    const answers = await Promise.all(
      sends.map(({ n, id }) => post(server, 'push', push(n), id ?? '')),
    );

    const requested = await builds(intake);
    const buildIds = new Set(requested.map((e) => e.data.buildId));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(requested).toHaveLength(100);
    expect(new Set(requested.map((e) => e.data.deliveryId))).toEqual(new Set(ids));
    expect(intake.executions.startedCount()).toBe(100);
    expect(intake.orchestrator.started.size).toBe(100);
    expect(intake.orchestrator.conflictingStarts).toBe(0);
    await intake.executions.idle();
    for (const buildId of buildIds) {
      expect(intake.executions.status(String(buildId))?.status).toBe('succeeded');
    }
    for (const answer of answers) {
      const known = buildIds.has(answer.body.buildId ?? '');
      expect(known || answer.body.message === 'duplicate, in progress').toBe(true);
    }
  });

  it('answers a later redelivery with the first answer and starts nothing', async () => {
    const id = randomUUID();
    const first = await post(server, 'push', push(7), id);
    const started = intake.executions.startedCount();

    const again = await post(server, 'push', push(7), id);

    expect(again).toEqual(first);
    expect(intake.executions.startedCount()).toBe(started);
    expect(intake.orchestrator.conflictingStarts).toBe(0);
  });

  it('starts a build recorded by an attempt whose start failed when it is redelivered', async () => {
    const id = randomUUID();
    intake.orchestrator.failNext();

    const failed = await post(server, 'push', push(8), id);
    const recorded = (await builds(intake)).find((e) => e.data.deliveryId === id);
    const buildId = String(recorded?.data.buildId);
    const before = intake.executions.status(buildId);
    const again = await post(server, 'push', push(8), id);

    expect(failed.status).toBe(500);
    expect(before).toBeUndefined();
    expect(again).toEqual({ status: 202, body: { buildId } });
    expect(intake.executions.status(buildId)).toBeDefined();
  });

  it('answers a ping with 200 and a path it does not serve with 404', async () => {
    const ping = await post(server, 'ping', { zen: 'Keep it logically awesome.' }, 'p-1');
    const other = await fetch(`${server.url}/nowhere`, { method: 'POST', body: '{}' });

    expect(ping).toEqual({ status: 200, body: { message: 'pong' } });
    expect(other.status).toBe(404);
  });

  it('answers GET /webhook with 405 and Allow: POST', async () => {
    const answer = await fetch(`${server.url}/webhook`);

    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it.each([
    ['a 600 KB commit message', { message: 'm'.repeat(600_000) }],
    ['499 added paths of 1,000 characters', { added: longPaths(499) }],
  ])('records a push with %s on DynamoDB Local, never a 5xx', async (_, commit) => {
    const { head_commit, ...rest } = push(9);
    const payload = { ...rest, head_commit: { ...head_commit, ...commit } };

    const answer = await post(server, 'push', payload, randomUUID());

    expect(answer.status).toBe(202);
    expect(answer.body.buildId).toBeDefined();
  });

  it.each([
    ['a delivery id of 3,000 characters', push(10), 'd'.repeat(3_000)],
    ['a repository of 3,000 characters', named(`${'x'.repeat(3_000)}/y`), randomUUID()],
    ['the repository ../..', named('../..'), randomUUID()],
  ])('answers 400 for %s and records nothing', async (_, payload, id) => {
    const before = (await builds(intake)).length;

    const answer = await post(server, 'push', payload, id);

    expect(answer.status).toBe(400);
    expect((await builds(intake)).length).toBe(before);
  });

  it('answers 413 for a body over the server limit', async () => {
    const small = await startHttpServer({
      routes: intake.routes,
      maxBodyBytes: 1_000,
    });

    const answer = await post(
      small,
      'push',
      { ...push(1), padding: 'x'.repeat(5_000) },
      'big',
    );
    await small.stop();

    expect(answer.status).toBe(413);
  });
});
