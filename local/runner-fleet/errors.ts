/** Error raised when an image cannot run on this machine (Windows, macOS). */
export class ImageNotRunnableLocallyError extends Error {
  override readonly name = 'ImageNotRunnableLocallyError';
}

/** Error raised when a phase is sent to a runner that cannot take it. */
export class LocalRunnerError extends Error {
  override readonly name = 'LocalRunnerError';
}
