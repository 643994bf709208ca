/**
 * Typed errors of the image registry, resolution and bake. Each message says
 * which image and version it is about.
 */

/** An `image:` name that is neither a custom image nor in the base catalog. */
export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';

  constructor(readonly imageName: string) {
    super(`Build worker image not found: ${imageName}`);
  }
}

/** A custom image name that breaks the naming rules. */
export class InvalidImageNameError extends Error {
  override readonly name = 'InvalidImageNameError';
}

/** A registry command refused by the image's current state (in use, current...). */
export class ImageCommandRefusedError extends Error {
  override readonly name = 'ImageCommandRefusedError';
}

/** An image the store reports as failed; the bake fails and nothing is registered. */
export class ImageBakeFailedError extends Error {
  override readonly name = 'ImageBakeFailedError';
}

/**
 * An image still being created at AwaitImage's look. The state's Retry on
 * this name looks again, up to the bake timeout; past it, the bake fails.
 */
export class ImagePendingError extends Error {
  override readonly name = 'ImagePendingError';
}

/** An image store operation that failed: a snapshot that could not be deleted. */
export class ImageStoreError extends Error {
  override readonly name = 'ImageStoreError';
}

/** A base image source that gives no image: no parameter, no available pipeline output. */
export class BaseImageUnavailableError extends Error {
  override readonly name = 'BaseImageUnavailableError';
}
