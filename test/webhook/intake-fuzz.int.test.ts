import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sign } from '@octokit/webhooks-methods';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClient } from '../events/support.ts';
import { type LocalIntake, localIntake } from './intake-wiring.ts';
import { testSecret } from './support.ts';

const push = {
  ref: 'refs/heads/main',
  after: 'a'.repeat(40),
  repository: { full_name: 'octo/app' },
  head_commit: {
    id: 'a'.repeat(40),
    message: 'Change',
    author: { name: 'Mona', email: 'mona@example.com' },
  },
};
const pullRequest = {
  action: 'opened',
  number: 4,
  repository: { full_name: 'octo/app' },
  pull_request: {
    title: 'Change',
    user: { login: 'mona' },
    head: { ref: 'feature', sha: 'b'.repeat(40), repo: { full_name: 'octo/app' } },
    base: { ref: 'main', repo: { full_name: 'octo/app' } },
  },
};

/** Fields a build cannot do without, as paths into the payloads above. */
const required = {
  push: [
    'ref',
    'after',
    'repository',
    'repository.full_name',
    'head_commit',
    'head_commit.id',
    'head_commit.message',
    'head_commit.author',
    'head_commit.author.name',
  ],
  pull_request: [
    'action',
    'number',
    'repository.full_name',
    'pull_request',
    'pull_request.title',
    'pull_request.user.login',
    'pull_request.head.ref',
    'pull_request.head.sha',
    'pull_request.base.ref',
    'pull_request.base.repo.full_name',
  ],
};

/** A copy of `payload` with the field at `path` removed or given a wrong-typed value. */
function broken(payload: object, path: string, value: unknown): object {
  const copy = structuredClone(payload) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let node = copy;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;

  return copy;
}

const header = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.stringMatching(/^sha256=[0-9a-f]{64}$/),
);
const anyEvent = fc.oneof(
  fc.constantFrom('push', 'pull_request', 'ping', ''),
  fc.string(),
);
/** Git allows an empty commit message and author name; nothing else may be empty. */
const emptyAllowed = new Set(['head_commit.message', 'head_commit.author.name']);
const wrongValue = (field: string) =>
  fc.constantFrom(
    undefined,
    -1.5,
    true,
    null,
    [],
    {},
    ...(emptyAllowed.has(field) ? [] : ['']),
  );

/** One fuzzed request, signed by the test when `sign` is true. */
interface FuzzCase {
  readonly event: string;
  readonly signature: string | undefined;
  readonly deliveryId: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  readonly base64: boolean;
  readonly sign: boolean;
  /** The status the case must get, when the test knows it. */
  readonly status?: number;
}

/** An unsigned, wrongly signed or garbled request. */
const garbled: fc.Arbitrary<FuzzCase> = fc.record({
  event: anyEvent,
  signature: header,
  deliveryId: fc.option(fc.uuid(), { nil: undefined }),
  contentType: fc.option(fc.constantFrom('application/json', 'text/plain', ''), {
    nil: undefined,
  }),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
    fc.string().map((s) => Buffer.from(s)),
    fc.json().map((s) => Buffer.from(s)),
  ),
  base64: fc.boolean(),
  sign: fc.constant(false),
});

/** A correctly signed push or pull_request that lacks a field the build needs. */
const signedButBroken: fc.Arbitrary<FuzzCase> = fc
  .constantFrom('push', 'pull_request' as const)
  .chain((event) =>
    fc.constantFrom(...required[event]).chain((field) =>
      fc.record({
        event: fc.constant(event),
        field: fc.constant(field),
        value: wrongValue(field),
        base64: fc.boolean(),
      }),
    ),
  )
  .map(({ event, field, value, base64 }) => ({
    event,
    signature: undefined,
    deliveryId: `fuzz-${event}-${field}`.replace(/[^A-Za-z0-9-]/g, '-'),
    contentType: 'application/json',
    body: Buffer.from(
      JSON.stringify(broken(event === 'push' ? push : pullRequest, field, value)),
    ),
    base64,
    sign: true,
  }));

/** Delivery ids, repository names and refs GitHub never sends. */
const misnamed = {
  deliveryId: fc.oneof(
    fc.string({ minLength: 101, maxLength: 3_000 }),
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('/', ' ', '.', '_', 'é', '\n'))
      .map(([text, odd]) => `${text}${odd}`),
  ),
  fullName: fc.oneof(
    fc.integer({ min: 40, max: 3_000 }).map((n) => `${'x'.repeat(n)}/y`),
    fc.constantFrom('../..', 'octo/..', 'octo/.', '-octo/app', 'a/b/c', 'app', 'a/'),
    fc.string({ maxLength: 30 }).map((text) => `octo/${text} x`),
  ),
  ref: fc.oneof(
    fc.integer({ min: 1_014, max: 3_000 }).map((n) => `refs/heads/${'b'.repeat(n)}`),
    fc.constantFrom('refs/heads/a..b', 'refs/heads/x.lock', 'refs/heads/a\u0000', ''),
    fc.string({ maxLength: 30 }).map((text) => `refs/heads/${text}~`),
  ),
};

/** A correctly signed push, whole but for one name that cannot be keyed or routed. */
const signedButMisnamed: fc.Arbitrary<FuzzCase> = fc
  .oneof(
    misnamed.deliveryId.map((deliveryId) => ({ deliveryId, payload: push })),
    misnamed.fullName.map((full_name) => ({
      deliveryId: 'fuzz-name',
      payload: { ...push, repository: { full_name } },
    })),
    misnamed.ref.map((ref) => ({ deliveryId: 'fuzz-ref', payload: { ...push, ref } })),
  )
  .chain(({ deliveryId, payload }) =>
    fc.boolean().map((base64) => ({
      event: 'push',
      signature: undefined,
      deliveryId,
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify(payload)),
      base64,
      sign: true,
      status: 400,
    })),
  );

async function functionUrlEvent(c: FuzzCase): Promise<APIGatewayProxyEventV2> {
  const text = c.body.toString('utf8');
  const signature = c.sign ? await sign(testSecret, text) : c.signature;
  const headers: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) headers[name] = value;
  };
  set('x-github-event', c.event);
  set('x-hub-signature-256', signature);
  set('x-github-delivery', c.deliveryId);
  set('content-type', c.contentType);

  return {
    rawPath: '/webhook',
    headers,
    body: c.base64 ? c.body.toString('base64') : text,
    isBase64Encoded: c.base64,
  } as APIGatewayProxyEventV2;
}

describe('intake under malformed requests', () => {
  let client: DynamoDBClient;
  let intake: LocalIntake;

  beforeAll(async () => {
    client = localClient();
    intake = await localIntake(client, 'webhook-fuzz');
  });
  afterAll(() => client.destroy());

  it('answers 2,000 malformed requests without a 5xx and without a build', async () => {
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(garbled, signedButBroken, signedButMisnamed),
        async (c) => {
          const answer = await intake.route(await functionUrlEvent(c));
          const status = answer.statusCode ?? 0;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);

          expect(status).toBeLessThan(500);
          if (c.status !== undefined) expect(status).toBe(c.status);
        },
      ),
      { numRuns: 2_000 },
    );

    const events = await intake.store.scanAll();
    expect(events.filter((e) => e.type === 'BuildRequested').map((e) => e.data)).toEqual(
      [],
    );
    expect(intake.orchestrator.calls).toBe(0);
    expect(intake.executions.startedCount()).toBe(0);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
  });
});
