import type { CommitStatus, StatusReporter } from '../ports/source-host.ts';
import { type GitHubClient, splitRepository } from './octokit-client.ts';

/** GitHub keeps a status description to 140 characters. */
export const maxDescriptionLength = 140;

/** Commit statuses on GitHub (`POST /repos/{owner}/{repo}/statuses/{sha}`). */
export class OctokitStatusReporter implements StatusReporter {
  readonly #github: GitHubClient;

  constructor(github: GitHubClient) {
    this.#github = github;
  }

  /** Posts the status; a description over 140 characters is cut with an ellipsis. */
  async post(status: CommitStatus): Promise<void> {
    const { owner, repo } = splitRepository(status.repository);
    const description =
      status.description.length > maxDescriptionLength
        ? `${status.description.slice(0, maxDescriptionLength - 1)}…`
        : status.description;

    await this.#github.use((octokit) =>
      octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: status.sha,
        state: status.state,
        context: status.context,
        description,
        ...(status.targetUrl && { target_url: status.targetUrl }),
      }),
    );
  }
}
