import { describe, expect, it } from 'vitest';
import { acceptDelivery } from '../../shared/intake/accept-delivery.ts';
import { isRefName, isRepositoryName } from '../../shared/intake/limits.ts';
import { memoryIntake, signedRequest } from './support.ts';

const push = (fullName: string, ref = 'refs/heads/main') => ({
  ref,
  after: 'a'.repeat(40),
  repository: { full_name: fullName },
  head_commit: {
    id: 'a'.repeat(40),
    message: 'Change',
    author: { name: 'Mona', email: 'mona@example.com' },
  },
});
const pullRequest = (headRef: string) => ({
  action: 'opened',
  number: 3,
  repository: { full_name: 'octo/app' },
  pull_request: {
    title: 'Change',
    user: { login: 'mona' },
    head: { ref: headRef, sha: 'b'.repeat(40), repo: { full_name: 'octo/app' } },
    base: { ref: 'main', repo: { full_name: 'octo/app' } },
  },
});

describe('the X-GitHub-Delivery header', () => {
  it.each([
    ['3000 characters', 'd'.repeat(3_000)],
    ['"/"', 'd/../1'],
    ['" "', 'd 1'],
    ['101 characters', 'd'.repeat(101)],
  ])('is answered 400, naming it, when it has %s', async (found, deliveryId) => {
    const { deps, store } = memoryIntake();

    const answer = await acceptDelivery(
      await signedRequest('push', push('octo/app'), deliveryId),
      deps,
    );

    expect(answer.statusCode).toBe(400);
    expect(answer.body.message).toBe(
      'the X-GitHub-Delivery header should be 1–100 letters, digits and hyphens ' +
        `(GitHub sends a GUID); it has ${found}`,
    );
    expect(store.events).toEqual([]);
  });

  it('is taken as GitHub sends it, a GUID', async () => {
    const { deps } = memoryIntake();
    const guid = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

    const answer = await acceptDelivery(
      await signedRequest('push', push('o/a'), guid),
      deps,
    );

    expect(answer.statusCode).toBe(202);
  });
});

describe('repository.full_name', () => {
  it.each([
    ['an owner of 3,000 characters', `${'x'.repeat(3_000)}/y`],
    ['parent folders', '../..'],
    ['the repository ..', 'octo/..'],
    ['an owner starting with a hyphen', '-octo/app'],
    ['an owner of 40 characters', `${'o'.repeat(40)}/app`],
    ['a repository of 101 characters', `octo/${'r'.repeat(101)}`],
    ['three parts', 'octo/app/extra'],
    ['a space', 'octo/my app'],
  ])('is answered 400, naming the field, for %s', async (_, fullName) => {
    const { deps, store } = memoryIntake();

    const answer = await acceptDelivery(
      await signedRequest('push', push(fullName)),
      deps,
    );

    expect(answer.statusCode).toBe(400);
    expect(answer.body.message).toMatch(
      /^push payload: 'repository\.full_name' should be owner\/repo as GitHub names them/,
    );
    expect(answer.body.message?.length).toBeLessThan(400);
    expect(store.events).toEqual([]);
  });

  it.each([
    'Codertocat/Hello-World',
    `${'o'.repeat(39)}/${'r'.repeat(100)}`,
    'octo/.github',
    'mona_acme/app.js',
    'a/_',
  ])('accepts %s, a name GitHub gives', (fullName) => {
    expect(isRepositoryName(fullName)).toBe(true);
  });

  it('is checked on the head repository of a pull request too', async () => {
    const { deps } = memoryIntake();
    const payload = pullRequest('feature');
    payload.pull_request.head.repo.full_name = '../..';

    const answer = await acceptDelivery(
      await signedRequest('pull_request', payload),
      deps,
    );

    expect(answer.body.message).toMatch(
      /^pull_request payload: 'pull_request\.head\.repo/,
    );
  });
});

describe('refs and branch names', () => {
  it.each([
    ['of 2,000 bytes', `refs/heads/${'b'.repeat(2_000)}`],
    ['with a control character', 'refs/heads/a\u0007b'],
    ['with ..', 'refs/heads/../../x'],
    ['ending in .lock', 'refs/heads/main.lock'],
    ['with a space', 'refs/heads/my branch'],
  ])('answers 400 naming ref for a push ref %s', async (_, ref) => {
    const { deps, store } = memoryIntake();

    const answer = await acceptDelivery(
      await signedRequest('push', push('octo/app', ref)),
      deps,
    );

    expect(answer.statusCode).toBe(400);
    expect(answer.body.message).toMatch(/^push payload: 'ref' should be a git ref name/);
    expect(store.events).toEqual([]);
  });

  it.each([
    ['a body that is a list', [], "'(body)' should be an object"],
    [
      'commits that are text',
      { ...push('octo/app', 'refs/heads/main'), commits: 'x' },
      "'commits' should be an array",
    ],
  ])('answers 400 in plain English for %s', async (_, payload, problem) => {
    const { deps } = memoryIntake();

    const answer = await acceptDelivery(await signedRequest('push', payload), deps);

    expect(answer.statusCode).toBe(400);
    expect(answer.body.message).toBe(`push payload: ${problem}`);
  });

  it("answers 400 naming the pull request's head branch when it is no branch name", async () => {
    const { deps } = memoryIntake();

    const answer = await acceptDelivery(
      await signedRequest('pull_request', pullRequest('x'.repeat(1_025))),
      deps,
    );

    expect(answer.statusCode).toBe(400);
    expect(answer.body.message).toMatch(
      /^pull_request payload: 'pull_request\.head\.ref'/,
    );
  });

  it.each(['refs/heads/feature/ünïcode-ß', 'refs/tags/v1.0.0', 'main', 'a-b_c+d@e'])(
    'takes %s, a name git allows',
    (ref) => {
      expect(isRefName(ref)).toBe(true);
    },
  );
});
