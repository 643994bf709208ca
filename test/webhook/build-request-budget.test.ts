import { describe, expect, it } from 'vitest';
import { commitTitle } from '../../shared/config/filters.ts';
import type { BuildEventData } from '../../shared/events/catalogue/build-events.ts';
import { EventTooLargeError } from '../../shared/events/errors.ts';
import { acceptDelivery } from '../../shared/intake/accept-delivery.ts';
import {
  maxAuthorBytes,
  maxChangedPathBytes,
  maxCommitMessageBytes,
  maxRefBytes,
} from '../../shared/intake/limits.ts';
import { cutToBytes } from '../../shared/text/bytes.ts';
import { type MemoryEventStore, memoryIntake, signedRequest } from './support.ts';

/** The BuildRequested the store holds, if any. */
const requested = (store: MemoryEventStore) =>
  store.events[0]?.data as BuildEventData['BuildRequested'] | undefined;

const head = {
  id: 'a'.repeat(40),
  message: 'Add the build',
  author: { name: 'Mona', email: 'mona@example.com' },
  added: ['appveyor.yml'],
};
const push = (commit: Partial<typeof head> & Record<string, unknown>) => ({
  ref: 'refs/heads/main',
  after: 'a'.repeat(40),
  repository: { full_name: 'octo/app' },
  head_commit: { ...head, ...commit },
});
const pullRequest = (body: string) => ({
  action: 'opened',
  number: 7,
  repository: { full_name: 'octo/app' },
  pull_request: {
    title: 'Speed up the build',
    body,
    user: { login: 'mona' },
    head: { ref: 'fast', sha: 'b'.repeat(40), repo: { full_name: 'octo/app' } },
    base: { ref: 'main', repo: { full_name: 'octo/app' } },
  },
});

describe('the budget of a build request', () => {
  it('records a push with a 600 KB commit message, cut to 16 KB after its whole title', async () => {
    const { deps, store } = memoryIntake();
    const message = `Fix the parser\n\n${'detail line\n'.repeat(50_000)}`;

    const answer = await acceptDelivery(
      await signedRequest('push', push({ message })),
      deps,
    );

    const kept = String(requested(store)?.commit.message);
    expect(answer.statusCode).toBe(202);
    expect(Buffer.byteLength(kept)).toBeLessThan(maxCommitMessageBytes + 100);
    expect(commitTitle(kept)).toBe('Fix the parser');
    expect(kept).toMatch(/\n\n\[Bakehouse kept the first 16384 of 600016 bytes\]$/);
  });

  it('keeps the title of a cut message free of the note even when the title is cut', async () => {
    const { deps, store } = memoryIntake();
    const message = `[skip ci] ${'x'.repeat(20_000)}`;

    await acceptDelivery(await signedRequest('push', push({ message })), deps);

    const title = commitTitle(String(requested(store)?.commit.message));
    expect(title.startsWith('[skip ci] xxx')).toBe(true);
    expect(title).not.toContain('Bakehouse');
  });

  it('records a push of 499 paths of 1,000 characters with its changed files unknown', async () => {
    const { deps, store } = memoryIntake();
    const added = Array.from({ length: 499 }, (_, i) => `${i}/${'p'.repeat(1_000)}`);

    const answer = await acceptDelivery(
      await signedRequest('push', push({ added })),
      deps,
    );

    expect(answer.statusCode).toBe(202);
    expect(store.events[0]?.data).not.toHaveProperty('changedFiles');
  });

  it('leaves the changed files out when one path is longer than a path can be', async () => {
    const { deps, store } = memoryIntake();
    const added = ['README.md', 'd/'.repeat(maxChangedPathBytes / 2 + 1)];

    await acceptDelivery(await signedRequest('push', push({ added })), deps);

    expect(store.events[0]?.data).not.toHaveProperty('changedFiles');
  });

  it('records a pull request with a 500 KB body, its title first', async () => {
    const { deps, store } = memoryIntake();

    const answer = await acceptDelivery(
      await signedRequest('pull_request', pullRequest('b'.repeat(500_000))),
      deps,
    );

    const kept = String(requested(store)?.commit.message);
    expect(answer.statusCode).toBe(202);
    expect(commitTitle(kept)).toBe('Speed up the build');
    expect(Buffer.byteLength(kept)).toBeLessThan(maxCommitMessageBytes + 100);
  });

  it('cuts an author name and email to 1 KB each', async () => {
    const { deps, store } = memoryIntake();
    const author = { name: 'n'.repeat(300_000), email: `${'e'.repeat(300_000)}@x.org` };

    await acceptDelivery(await signedRequest('push', push({ author })), deps);

    const kept = requested(store)?.commit.author;
    expect(Buffer.byteLength(String(kept?.name))).toBe(maxAuthorBytes);
    expect(Buffer.byteLength(String(kept?.email))).toBe(maxAuthorBytes);
  });

  it('fits a delivery at every limit at once into one DynamoDB item', async () => {
    const { deps, store } = memoryIntake();
    const long = `refs/heads/${'b/'.repeat((maxRefBytes - 12) / 2)}x`;
    const added = Array.from({ length: 25 }, (_, i) => `${i}`.padEnd(4_096, 'f'));
    const author = { name: 'é'.repeat(5_000), email: 'é'.repeat(5_000) };
    const payload = {
      ...push({ message: '€'.repeat(200_000), added, author }),
      ref: long,
    };

    const answer = await acceptDelivery(await signedRequest('push', payload), deps);

    expect(answer.statusCode).toBe(202);
    expect(store.events[0]?.data.changedFiles).toHaveLength(25);
  });

  it('answers 413 naming the largest field when the event store still refuses the request', async () => {
    const { deps, log } = memoryIntake();
    const tooLarge = new EventTooLargeError('build-01', 1, 'BuildRequested', 500_000);
    const refusing = {
      read: deps.store.read.bind(deps.store),
      version: deps.store.version.bind(deps.store),
      commit: async () => Promise.reject(tooLarge),
    };
    const message = `Fix\n\n${'m'.repeat(10_000)}`;

    const answer = await acceptDelivery(await signedRequest('push', push({ message })), {
      ...deps,
      store: refusing,
    });

    expect(answer).toEqual({
      statusCode: 413,
      body: {
        message:
          'the build request is too large to record (EventTooLargeError); ' +
          'its largest field is commit.message, 10005 bytes',
      },
    });
    expect(log.lines.at(-1)).toMatchObject({ attributes: { field: 'commit.message' } });
  });
});

describe('cutToBytes', () => {
  it('never cuts inside a character', () => {
    expect(cutToBytes('aé€😀', 1)).toBe('a');
    expect(cutToBytes('aé€😀', 2)).toBe('a');
    expect(cutToBytes('aé€😀', 5)).toBe('aé');
    expect(cutToBytes('aé€😀', 9)).toBe('aé€');
    expect(cutToBytes('aé€😀', 10)).toBe('aé€😀');
  });
});
