import { createHash } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { newEvent } from '../../shared/events/catalogue.ts';
import { IdempotencyInProgressError } from '../../shared/events/errors.ts';
import { acceptDelivery } from '../../shared/intake/accept-delivery.ts';
import type { WebhookRequest } from '../../shared/intake/delivery.ts';
import { RecordingOrchestrator } from '../support/recording-orchestrator.ts';
import { memoryIntake, signedBytes, signedRequest, testSecret } from './support.ts';

const push = {
  ref: 'refs/heads/main',
  after: 'a'.repeat(40),
  repository: { full_name: 'octo/app' },
  head_commit: {
    id: 'a'.repeat(40),
    message: 'Add the build',
    author: { name: 'Mona', email: 'mona@example.com' },
    added: ['appveyor.yml'],
    modified: [],
    removed: [],
  },
  commits: [],
};

const withHeader = (request: WebhookRequest, name: string, value?: string) => ({
  ...request,
  headers: { ...request.headers, [name]: value },
});

async function signedText(event: string, text: string): Promise<WebhookRequest> {
  const request = await signedRequest(event, {});

  return {
    headers: { ...request.headers, 'x-hub-signature-256': await sign(testSecret, text) },
    body: Buffer.from(text),
  };
}

describe('acceptDelivery', () => {
  it('appends BuildRequested to a new build stream and starts that build', async () => {
    const { deps, store, orchestrator } = memoryIntake();

    const answer = await acceptDelivery(await signedRequest('push', push, 'd-1'), deps);

    const buildId = answer.body.buildId ?? '';
    expect(answer.statusCode).toBe(202);
    expect(buildId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(store.events).toMatchObject([
      {
        streamId: `build-${buildId}`,
        version: 1,
        type: 'BuildRequested',
        data: {
          buildId,
          deliveryId: 'd-1',
          branch: 'main',
          changedFiles: ['appveyor.yml'],
        },
      },
    ]);
    expect(orchestrator.started.get(buildId)).toMatchObject({
      buildId,
      repository: 'octo/app',
    });
  });

  it('answers a redelivery as the first delivery and starts no second build', async () => {
    const { deps, store, orchestrator } = memoryIntake();
    const request = await signedRequest('push', push, 'd-2');

    const first = await acceptDelivery(request, deps);
    const again = await acceptDelivery(request, deps);

    expect(again).toEqual(first);
    expect(store.events).toHaveLength(1);
    expect([...orchestrator.started.keys()]).toEqual([first.body.buildId]);
    expect(orchestrator.conflictingStarts).toBe(0);
  });

  it('starts the recorded build on a redelivery when the first start failed', async () => {
    const { deps, store, orchestrator } = memoryIntake();
    const request = await signedRequest('push', push, 'd-4');
    orchestrator.failNext();

    const first = acceptDelivery(request, deps);
    await expect(first).rejects.toThrow('Step Functions is unavailable');
    const again = await acceptDelivery(request, deps);

    const recorded = store.events[0]?.data.buildId;
    expect(store.events).toHaveLength(1);
    expect(again).toEqual({ statusCode: 202, body: { buildId: recorded } });
    expect(orchestrator.started.get(String(recorded))).toMatchObject({
      buildId: recorded,
      deliveryId: 'd-4',
      sha: push.head_commit.id,
    });
  });

  it('starts a redelivered build with the input the first delivery recorded', async () => {
    const { deps, orchestrator } = memoryIntake();
    const otherHead = { ...push.head_commit, id: 'c'.repeat(40) };
    orchestrator.failNext();
    await acceptDelivery(await signedRequest('push', push, 'd-5'), deps).catch(() => {});

    const again = await acceptDelivery(
      await signedRequest('push', { ...push, head_commit: otherHead }, 'd-5'),
      deps,
    );

    const input = orchestrator.started.get(again.body.buildId ?? '');
    expect(input).toMatchObject({ sha: push.head_commit.id });
  });

  it('warns with both payload hashes, never the payloads, when a delivery id is reused', async () => {
    const { deps, log } = memoryIntake();
    const first = await signedRequest('push', push, 'd-7');
    const other = { ...push, head_commit: { ...push.head_commit, message: 'Other' } };
    const reused = await signedRequest('push', other, 'd-7');

    const answer = await acceptDelivery(first, deps);
    const again = await acceptDelivery(reused, deps);

    const sha = (r: WebhookRequest) => createHash('sha256').update(r.body).digest('hex');
    const warning = log.lines.find((l) => l.message.includes('reused'));
    expect(again).toEqual(answer);
    expect(warning?.attributes).toEqual({
      deliveryId: 'd-7',
      buildId: answer.body.buildId,
      firstPayloadSha256: sha(first),
      payloadSha256: sha(reused),
    });
    expect(JSON.stringify(log.lines)).not.toContain('Other');
  });

  it('does not warn about a redelivery of the same body', async () => {
    const { deps, log } = memoryIntake();
    const request = await signedRequest('push', push, 'd-8');

    await acceptDelivery(request, deps);
    await acceptDelivery(request, deps);

    expect(log.lines.map((l) => l.message)).toEqual([
      'build requested',
      'delivery is a redelivery',
    ]);
  });

  it('starts nothing for a redelivery of a build its execution has moved on', async () => {
    const { deps, store } = memoryIntake();
    const request = await signedRequest('push', push, 'd-6');
    const first = await acceptDelivery(request, deps);
    await store.commit({
      appends: [
        {
          streamId: `build-${first.body.buildId}`,
          expectedVersion: 1,
          events: [newEvent('BuildFinished', { status: 'interrupted' })],
        },
      ],
    });
    const restarted = new RecordingOrchestrator();

    const again = await acceptDelivery(request, { ...deps, orchestrator: restarted });

    expect(again).toEqual(first);
    expect(restarted.calls).toBe(0);
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'sha256=xyz'],
    ['wrong', `sha256=${'0'.repeat(64)}`],
  ])('answers 401 and records nothing when the signature is %s', async (_, signature) => {
    const { deps, store, orchestrator } = memoryIntake();
    const request = withHeader(
      await signedRequest('push', push),
      'x-hub-signature-256',
      signature,
    );

    const answer = await acceptDelivery(request, deps);

    expect(answer.statusCode).toBe(401);
    expect(store.events).toEqual([]);
    expect(orchestrator.calls).toBe(0);
  });

  it('never writes the signature or the secret to the log', async () => {
    const { deps, log } = memoryIntake();
    const request = await signedRequest('push', push);
    const forged = withHeader(request, 'x-hub-signature-256', `sha256=${'1'.repeat(64)}`);

    await acceptDelivery(request, deps);
    await acceptDelivery(forged, deps);

    const written = JSON.stringify(log.lines);
    expect(log.lines.length).toBeGreaterThan(1);
    expect(written).not.toContain(request.headers['x-hub-signature-256']?.slice(7));
    expect(written).not.toContain('1'.repeat(64));
    expect(written).not.toContain(testSecret);
  });

  it('answers 413 for a body over the limit, before anything else', async () => {
    const { deps, store } = memoryIntake();
    const request = await signedRequest('push', { ...push, padding: 'x'.repeat(2_000) });

    const answer = await acceptDelivery(request, { ...deps, maxBodyBytes: 1_000 });

    expect(answer.statusCode).toBe(413);
    expect(store.events).toEqual([]);
  });

  it('answers 400 naming the field a build needs and the payload lacks', async () => {
    const { deps, store } = memoryIntake();
    const { head_commit, ...headless } = push;
    const noAuthor = { ...push, head_commit: { ...head_commit, author: undefined } };

    const first = await acceptDelivery(await signedRequest('push', headless), deps);
    const second = await acceptDelivery(await signedRequest('push', noAuthor), deps);

    expect(first).toEqual({
      statusCode: 400,
      body: { message: "push payload: 'head_commit' is missing" },
    });
    expect(second.body.message).toBe("push payload: 'head_commit.author' is missing");
    expect(store.events).toEqual([]);
  });

  it('answers 400 for a signed body that is not JSON', async () => {
    const { deps } = memoryIntake();

    const answer = await acceptDelivery(await signedText('push', 'payload=%7B%7D'), deps);

    expect(answer).toEqual({
      statusCode: 400,
      body: { message: 'the body is not JSON' },
    });
  });

  it('answers 400 for a correctly signed body that is not UTF-8', async () => {
    const { deps, store } = memoryIntake();
    const latin1 = Buffer.from('{"zen":"Caf\xe9"}', 'latin1');

    const answer = await acceptDelivery(signedBytes('ping', latin1), deps);

    expect(answer).toEqual({
      statusCode: 400,
      body: { message: 'the body is not UTF-8' },
    });
    expect(store.events).toEqual([]);
  });

  it('answers 400 for a correctly signed empty body', async () => {
    const { deps } = memoryIntake();

    const answer = await acceptDelivery(signedBytes('push', new Uint8Array()), deps);

    expect(answer).toEqual({ statusCode: 400, body: { message: 'the body is empty' } });
  });

  it('answers 401 for a body that is not UTF-8 signed over other bytes', async () => {
    const { deps } = memoryIntake();
    const signed = signedBytes('ping', Buffer.from([0x7b, 0xff, 0x7d]));

    const answer = await acceptDelivery(
      { ...signed, body: Buffer.from([0x7b, 0xfe, 0x7d]) },
      deps,
    );

    expect(answer.statusCode).toBe(401);
  });

  it('answers 415 for a form-encoded delivery', async () => {
    const { deps } = memoryIntake();
    const request = withHeader(
      await signedRequest('push', push),
      'content-type',
      'application/x-www-form-urlencoded',
    );

    const answer = await acceptDelivery(request, deps);

    expect(answer.statusCode).toBe(415);
  });

  it('answers 202 with the reason for events that do not build', async () => {
    const { deps, store } = memoryIntake();
    const tagPushOfNotes = { ...push, ref: 'refs/notes/commits' };

    const issue = await acceptDelivery(
      await signedRequest('issues', { action: 'opened' }),
      deps,
    );
    const notes = await acceptDelivery(await signedRequest('push', tagPushOfNotes), deps);

    expect(issue.body.message).toBe(
      "ignored, because event 'issues' does not start builds",
    );
    expect(notes.body.message).toBe(
      'ignored, because ref refs/notes/commits is neither a branch nor a tag',
    );
    expect(store.events).toEqual([]);
  });

  it('ignores a push whose after is all zeros even without deleted: true', async () => {
    const { deps, store } = memoryIntake();

    const answer = await acceptDelivery(
      await signedRequest('push', { ...push, after: '0'.repeat(40), head_commit: null }),
      deps,
    );

    expect(answer).toEqual({
      statusCode: 202,
      body: { message: 'ignored, because push deletes refs/heads/main' },
    });
    expect(store.events).toEqual([]);
  });

  it('leaves the changed files out when there are more than it carries', async () => {
    const { deps, store } = memoryIntake();
    const many = Array.from({ length: 501 }, (_, i) => `src/file-${i}.ts`);
    const big = { ...push, head_commit: { ...push.head_commit, added: many } };

    await acceptDelivery(await signedRequest('push', big), deps);

    expect(store.events[0]?.data).not.toHaveProperty('changedFiles');
  });

  it('answers "duplicate, in progress" when the event store sees a twin commit', async () => {
    const { deps, orchestrator } = memoryIntake();
    const busy = {
      read: deps.store.read.bind(deps.store),
      version: deps.store.version.bind(deps.store),
      commit: async () => Promise.reject(new IdempotencyInProgressError('delivery-d-3')),
    };

    const answer = await acceptDelivery(await signedRequest('push', push, 'd-3'), {
      ...deps,
      store: busy,
    });

    expect(answer).toEqual({
      statusCode: 202,
      body: { message: 'duplicate, in progress' },
    });
    expect(orchestrator.calls).toBe(0);
  });
});
