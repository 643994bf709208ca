import { describe, expect, it } from 'vitest';
import { classifyDelivery } from '../../shared/intake/classify.ts';

const commit = (id: string, files: { added?: string[]; modified?: string[] }) => ({
  id,
  message: `Commit ${id.slice(0, 1)}`,
  author: { name: 'Mona', email: 'mona@example.com' },
  added: files.added ?? [],
  modified: files.modified ?? [],
  removed: [],
});

describe('classifyDelivery: changed files of a push', () => {
  it('gives a push the files of its head commit only, as commit filters read them', () => {
    const earlier = commit('b'.repeat(40), { modified: ['src/app.c'] });
    const head = commit('c'.repeat(40), {
      added: ['docs/guide.md'],
      modified: ['README.md'],
    });
    const payload = {
      ref: 'refs/heads/main',
      before: 'a'.repeat(40),
      after: head.id,
      repository: { full_name: 'octo/app' },
      head_commit: head,
      commits: [earlier, head],
    };

    const classified = classifyDelivery('push', payload);

    expect(classified.kind === 'build' && classified.request.changedFiles).toEqual([
      'docs/guide.md',
      'README.md',
    ]);
  });
});
