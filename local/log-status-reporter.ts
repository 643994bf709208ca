import type { CommitStatus, StatusReporter } from '../shared/ports/source-host.ts';

/** Where the local status reporter writes: Powertools Logger's shape. */
export interface StatusLog {
  info(message: string, attributes: Readonly<Record<string, unknown>>): void;
}

/**
 * The status reporter of the embedded mode: each commit status becomes one
 * structured log line, with the same fields GitHub would show.
 */
export class LogStatusReporter implements StatusReporter {
  readonly #log: StatusLog;

  constructor(log: StatusLog) {
    this.#log = log;
  }

  /** Writes the status as one line. */
  async post(status: CommitStatus): Promise<void> {
    this.#log.info('commit status', {
      repository: status.repository,
      sha: status.sha,
      state: status.state,
      context: status.context,
      description: status.description,
      ...(status.targetUrl && { targetUrl: status.targetUrl }),
    });
  }
}

/**
 * The link of a local commit status: the build, with its jobs and phases, on
 * the embedded server's read API (`bakehouse show <build>` prints the same).
 */
export function localBuildUrl(serverUrl: string): (buildId: string) => string {
  return (buildId) => `${serverUrl}/api/builds/${encodeURIComponent(buildId)}`;
}
