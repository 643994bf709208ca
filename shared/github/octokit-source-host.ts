import type { ConfigFile, SourceHost } from '../ports/source-host.ts';
import { configFileNames } from './config-file-names.ts';
import { type GitHubClient, httpStatus, splitRepository } from './octokit-client.ts';

/**
 * The source host on GitHub's REST API: the config at a commit, the files a
 * pull request or a range of commits changed, and open pull requests.
 */
export class OctokitSourceHost implements SourceHost {
  readonly #github: GitHubClient;

  constructor(github: GitHubClient) {
    this.#github = github;
  }

  /** The first of appveyor.yml, .appveyor.yml, appveyor.yaml at the commit, raw. */
  async fetchConfig(repository: string, sha: string): Promise<ConfigFile | undefined> {
    const { owner, repo } = splitRepository(repository);
    for (const path of configFileNames) {
      const text = await this.#github.use(async (octokit) => {
        try {
          const answer = await octokit.rest.repos.getContent({
            owner,
            repo,
            path,
            ref: sha,
            mediaType: { format: 'raw' },
          });

          // A folder of that name is answered with its listing, not raw.
          if (Array.isArray(answer.data)) return undefined;

          return String(answer.data);
        } catch (error) {
          if (httpStatus(error) === 404) return undefined;
          throw error;
        }
      });
      if (text !== undefined) return { path, text };
    }

    return undefined;
  }

  /** Every file of the pull request, page by page (GitHub lists at most 3,000). */
  pullRequestFiles(repository: string, number: number): Promise<string[]> {
    const { owner, repo } = splitRepository(repository);

    return this.#github.use(async (octokit) => {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
        owner,
        repo,
        pull_number: number,
        per_page: 100,
      });

      return files.map((file) => file.filename);
    });
  }

  /** True when an open pull request has `owner:branch` as its head. */
  hasOpenPullRequest(repository: string, branch: string): Promise<boolean> {
    const { owner, repo } = splitRepository(repository);

    return this.#github.use(async (octokit) => {
      const open = await octokit.rest.pulls.list({
        owner,
        repo,
        state: 'open',
        head: `${owner}:${branch}`,
        per_page: 1,
      });

      return open.data.length > 0;
    });
  }

  /** Files changed from `base` to `head` (GitHub's compare lists at most 300). */
  changedFiles(repository: string, base: string, head: string): Promise<string[]> {
    const { owner, repo } = splitRepository(repository);

    return this.#github.use(async (octokit) => {
      const answer = await octokit.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${base}...${head}`,
      });

      return (answer.data.files ?? []).map((file) => file.filename);
    });
  }
}
