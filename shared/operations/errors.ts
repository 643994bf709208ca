/**
 * Typed errors of the operators' commands on builds; each names the build.
 * The write API answers 404 for the first and 409 for the second.
 */

/** A build id that no build stream has. */
export class BuildNotFoundError extends Error {
  override readonly name = 'BuildNotFoundError';

  constructor(readonly buildId: string) {
    super(`build ${buildId} not found`);
  }
}

/** A command the build's state refuses: cancelling a build that already ended. */
export class BuildCommandRefusedError extends Error {
  override readonly name = 'BuildCommandRefusedError';
}
