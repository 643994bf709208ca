import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type { PushEvent, WebhookEventMap } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { acceptDelivery } from '../../shared/intake/accept-delivery.ts';
import { memoryIntake, signedRequest } from './support.ts';

const examples: WebhookDefinition[] = createRequire(import.meta.url)(
  '@octokit/webhooks-examples/api.github.com/index.json',
);
function group<T extends 'ping' | 'push' | 'pull_request'>(
  name: T,
): WebhookEventMap[T][] {
  const found = examples.find((g) => g.name === name);

  return (found?.examples ?? []) as WebhookEventMap[T][];
}

const numbered = <T>(list: T[]) => list.map((payload, i) => ({ i, payload }));

/** What a push example must request: the head commit, its ref and the files it touched. */
function expectedPush(payload: PushEvent) {
  const ref: string = payload.ref;
  const head = payload.head_commit;
  if (!head) throw new Error('a push that builds has a head commit');
  const files = [...head.added, ...head.modified, ...head.removed];

  return {
    repository: payload.repository.full_name,
    sha: payload.after,
    ref,
    ...(ref.startsWith('refs/tags/')
      ? { tag: ref.replace('refs/tags/', '') }
      : { branch: ref.replace('refs/heads/', '') }),
    commit: {
      message: head.message,
      author: { name: head.author.name, email: head.author.email },
    },
    changedFiles: [...new Set(files)],
  };
}

describe('acceptDelivery over the @octokit/webhooks-examples payloads', () => {
  it.each(numbered(group('ping')))(
    'answers ping example $i with 200',
    async ({ payload }) => {
      const { deps, store } = memoryIntake();

      const answer = await acceptDelivery(await signedRequest('ping', payload), deps);

      expect(answer).toEqual({ statusCode: 200, body: { message: 'pong' } });
      expect(store.events).toEqual([]);
    },
  );

  it.each(numbered(group('push')))(
    'requests a build of push example $i, or ignores it when it deletes its ref',
    async ({ payload }) => {
      const { deps, store, orchestrator } = memoryIntake();

      const answer = await acceptDelivery(await signedRequest('push', payload), deps);

      if (payload.deleted) {
        expect(answer).toEqual({
          statusCode: 202,
          body: { message: `ignored, because push deletes ${payload.ref}` },
        });
        expect(store.events).toEqual([]);
        return;
      }
      expect(answer.statusCode).toBe(202);
      expect(store.events).toHaveLength(1);
      expect(store.events[0]?.type).toBe('BuildRequested');
      expect(store.events[0]?.data).toMatchObject(expectedPush(payload));
      expect([...orchestrator.started.keys()]).toEqual([answer.body.buildId]);
    },
  );

  it.each(numbered(group('pull_request')))(
    'requests a merge build of pull_request example $i only when it is opened, synchronized or reopened',
    async ({ payload }) => {
      const { deps, store } = memoryIntake();
      const pr = payload.pull_request;

      const answer = await acceptDelivery(
        await signedRequest('pull_request', payload),
        deps,
      );

      if (!['opened', 'synchronize', 'reopened'].includes(payload.action)) {
        expect(answer.body.message).toBe(
          `ignored, because pull_request action '${payload.action}' does not build`,
        );
        expect(store.events).toEqual([]);
        return;
      }
      expect(answer.statusCode).toBe(202);
      expect(store.events[0]?.data).toMatchObject({
        repository: 'Codertocat/Hello-World',
        ref: `refs/pull/${payload.number}/merge`,
        sha: pr.merge_commit_sha ?? pr.head.sha,
        branch: pr.base.ref,
        pullRequest: {
          number: payload.number,
          headSha: pr.head.sha,
          headBranch: pr.head.ref,
          fromFork: false,
        },
      });
    },
  );

  it('states the branch, head commit and changed files of a branch push', async () => {
    const payload = group('push').find((p) => p.ref === 'refs/heads/master');
    const { deps, store } = memoryIntake();

    await acceptDelivery(await signedRequest('push', payload), deps);

    expect(store.events[0]?.data).toMatchObject({
      branch: 'master',
      sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      changedFiles: ['README.md'],
      commit: { message: 'Initial commit' },
    });
  });

  it('marks a pull request from another repository as from a fork', async () => {
    const payload = structuredClone(group('pull_request')[0]);
    if (payload?.pull_request.head.repo) {
      payload.pull_request.head.repo.full_name = 'someone/Hello-World';
    }
    const { deps, store } = memoryIntake();

    await acceptDelivery(await signedRequest('pull_request', payload), deps);

    expect(store.events[0]?.data).toMatchObject({ pullRequest: { fromFork: true } });
  });
});
