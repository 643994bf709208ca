import { Octokit } from '@octokit/rest';
import type { SecretSource } from '../ports/source-host.ts';

/** How the GitHub adapters reach GitHub. */
export interface GitHubClientOptions {
  /** The token (`repo:status` and contents read), e.g. from Secrets Manager. */
  readonly token: SecretSource;
  /** GitHub Enterprise Server's API root. Default: api.github.com. */
  readonly baseUrl?: string;
  /** The fetch Octokit uses; tests pass a fake. Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * An Octokit built on first use with the token the source gives then. A call
 * answered 401 drops it, so the next call reads the token again, as after a
 * rotation. The token is never logged: Octokit gets no logger.
 */
export class GitHubClient {
  readonly #options: GitHubClientOptions;
  #octokit?: Promise<Octokit>;

  constructor(options: GitHubClientOptions) {
    this.#options = options;
  }

  /** Runs `call` with the client, dropping the client when GitHub refuses the token. */
  async use<T>(call: (octokit: Octokit) => Promise<T>): Promise<T> {
    const octokit = this.#octokit ?? this.#build();
    this.#octokit = octokit;
    try {
      return await call(await octokit);
    } catch (error) {
      if (httpStatus(error) === 401 || !(await octokit.catch(() => undefined))) {
        this.#octokit = undefined;
      }
      throw error;
    }
  }

  async #build(): Promise<Octokit> {
    const { current } = await this.#options.token.load();

    return new Octokit({
      auth: current,
      userAgent: 'bakehouse',
      ...(this.#options.baseUrl && { baseUrl: this.#options.baseUrl }),
      ...(this.#options.fetch && { request: { fetch: this.#options.fetch } }),
    });
  }
}

/** The HTTP status of an Octokit RequestError, or undefined. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;

  return typeof status === 'number' ? status : undefined;
}

/** `owner` and `repo` of `owner/repo`; throws for anything else. */
export function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner, repo, extra] = repository.split('/');
  if (!owner || !repo || extra !== undefined) {
    throw new Error(`Repository '${repository}' is not of the form owner/repo`);
  }

  return { owner, repo };
}
