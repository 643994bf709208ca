import { describe, expect, it } from 'vitest';
import { GitHubClient } from '../../shared/github/octokit-client.ts';
import { OctokitSourceHost } from '../../shared/github/octokit-source-host.ts';
import { OctokitStatusReporter } from '../../shared/github/octokit-status-reporter.ts';
import { type CannedAnswer, fakeGitHub, type SeenRequest } from './fake-fetch.ts';

const token = 'ghp_test_token_value';

function host(route: (request: SeenRequest) => CannedAnswer, tokens = [token]) {
  const github = fakeGitHub(route);
  let loads = 0;
  const client = new GitHubClient({
    token: {
      load: async () => ({ current: tokens[Math.min(loads++, tokens.length - 1)] ?? '' }),
    },
    fetch: github.fetch,
  });

  return {
    source: new OctokitSourceHost(client),
    statuses: new OctokitStatusReporter(client),
    seen: github.seen,
    loads: () => loads,
  };
}

const notFound: CannedAnswer = { status: 404, json: { message: 'Not Found' } };

describe('OctokitSourceHost', () => {
  it('fetches the config raw at the commit, trying the three names in order', async () => {
    const { source, seen } = host((r) =>
      r.url.pathname.endsWith('/appveyor.yaml')
        ? { text: 'image: Ubuntu2204\n' }
        : notFound,
    );

    const config = await source.fetchConfig('octo/app', 'abc123');

    expect(config).toEqual({ path: 'appveyor.yaml', text: 'image: Ubuntu2204\n' });
    expect(
      seen.map((r) => `${r.method} ${r.url.pathname}?${r.url.searchParams}`),
    ).toEqual([
      'GET /repos/octo/app/contents/appveyor.yml?ref=abc123',
      'GET /repos/octo/app/contents/.appveyor.yml?ref=abc123',
      'GET /repos/octo/app/contents/appveyor.yaml?ref=abc123',
    ]);
    expect(seen[0]?.headers.get('accept')).toBe('application/vnd.github.v3.raw');
    expect(seen[0]?.headers.get('authorization')).toBe(`token ${token}`);
  });

  it('passes over a folder named appveyor.yml, which GitHub answers with a listing', async () => {
    const { source } = host((r) =>
      r.url.pathname.endsWith('/contents/appveyor.yml')
        ? { json: [{ type: 'file', name: 'notes.txt' }] }
        : r.url.pathname.endsWith('/.appveyor.yml')
          ? { text: 'image: Ubuntu\n' }
          : notFound,
    );

    const config = await source.fetchConfig('octo/app', 'abc123');

    expect(config).toEqual({ path: '.appveyor.yml', text: 'image: Ubuntu\n' });
  });

  it('answers undefined when the commit has no config', async () => {
    const { source } = host(() => notFound);

    expect(await source.fetchConfig('octo/app', 'abc123')).toBeUndefined();
  });

  it('fails on an error other than not found', async () => {
    const { source } = host(() => ({ status: 500, json: { message: 'boom' } }));

    await expect(source.fetchConfig('octo/app', 'abc123')).rejects.toMatchObject({
      status: 500,
    });
  });

  it('lists every file of a pull request, following the pages', async () => {
    const page = (n: number) => Array.from({ length: 100 }, (_, i) => `f${n}-${i}.ts`);
    const { source, seen } = host((r) => {
      const number = Number(r.url.searchParams.get('page') ?? '1');
      const next = `<https://api.github.com/repos/octo/app/pulls/7/files?per_page=100&page=${number + 1}>; rel="next"`;
      if (number === 1)
        return {
          json: page(1).map((filename) => ({ filename })),
          headers: { link: next },
        };

      return { json: [{ filename: 'last.ts' }] };
    });

    const files = await source.pullRequestFiles('octo/app', 7);

    expect(files).toHaveLength(101);
    expect(files.at(-1)).toBe('last.ts');
    expect(seen[0]?.url.pathname).toBe('/repos/octo/app/pulls/7/files');
    expect(seen[0]?.url.searchParams.get('per_page')).toBe('100');
    expect(seen).toHaveLength(2);
  });

  it('finds an open pull request by owner:branch', async () => {
    const { source, seen } = host((r) => ({
      json: r.url.searchParams.get('head') === 'octo:feature' ? [{ number: 3 }] : [],
    }));

    const open = await source.hasOpenPullRequest('octo/app', 'feature');
    const none = await source.hasOpenPullRequest('octo/app', 'other');

    expect([open, none]).toEqual([true, false]);
    expect(seen[0]?.url.pathname).toBe('/repos/octo/app/pulls');
    expect(seen[0]?.url.searchParams.get('state')).toBe('open');
  });

  it('lists the files between two commits with the compare API', async () => {
    const { source, seen } = host(() => ({
      json: { files: [{ filename: 'a.ts' }, { filename: 'b.ts' }] },
    }));

    const files = await source.changedFiles('octo/app', 'base1', 'head2');

    expect(files).toEqual(['a.ts', 'b.ts']);
    expect(seen[0]?.url.pathname).toBe('/repos/octo/app/compare/base1...head2');
  });

  it('reads the token again after GitHub refuses it', async () => {
    const { source, seen, loads } = host(
      (r) =>
        r.headers.get('authorization') === 'token rotated'
          ? { json: [] }
          : { status: 401, json: { message: 'Bad credentials' } },
      ['stale', 'rotated'],
    );

    await expect(source.hasOpenPullRequest('octo/app', 'main')).rejects.toMatchObject({
      status: 401,
    });
    const open = await source.hasOpenPullRequest('octo/app', 'main');

    expect(open).toBe(false);
    expect(loads()).toBe(2);
    expect(seen).toHaveLength(2);
  });
});

describe('OctokitStatusReporter', () => {
  it('posts the status on the commit with its context, link and a short description', async () => {
    const { statuses, seen } = host(() => ({ status: 201, json: { id: 1 } }));

    await statuses.post({
      repository: 'octo/app',
      sha: 'abc123',
      state: 'pending',
      context: 'continuous-integration/bakehouse/pr',
      description: 'x'.repeat(200),
      targetUrl: 'https://example.com/build/1',
    });

    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.url.pathname).toBe('/repos/octo/app/statuses/abc123');
    expect(seen[0]?.body).toEqual({
      state: 'pending',
      context: 'continuous-integration/bakehouse/pr',
      description: `${'x'.repeat(139)}…`,
      target_url: 'https://example.com/build/1',
    });
  });
});
