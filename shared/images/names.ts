import { InvalidImageNameError } from './errors.ts';

/**
 * Image names: matched case-insensitively and shown as first written. The
 * allowed characters fit an AMI name, an Image Builder name and a Step
 * Functions execution name alike once spaces become dashes.
 */

const allowedName = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,78}[A-Za-z0-9._-]$|^[A-Za-z0-9]$/;

/** The key an image name is matched by: trimmed and lower case. */
export function imageKey(name: string): string {
  return name.trim().toLowerCase();
}

/** The event stream of an image name: `image-<key>`. */
export function imageStreamId(name: string): string {
  return `image-${imageKey(name)}`;
}

/** A form of the key safe in file names, AMI names and tag values. */
export function imageSlug(name: string): string {
  return imageKey(name).replace(/\s+/g, '-');
}

/**
 * Checks a custom image name and returns it trimmed; letters, digits, space,
 * `.`, `-` and `_`, at most 80 characters.
 */
export function validImageName(name: string): string {
  const trimmed = name.trim();
  if (!allowedName.test(trimmed)) {
    throw new InvalidImageNameError(
      `Invalid image name "${name}": use 1 to 80 letters, digits, spaces, ` +
        "'.', '-' or '_', starting with a letter or digit",
    );
  }

  return trimmed;
}
