/**
 * The operating system family of a build worker image, from its name:
 * Ubuntu and Linux names are linux, macOS names macos, anything else windows
 * (AppVeyor's default images are Windows ones).
 */
import type { Platform } from './plan.ts';

/** AppVeyor's default image when a config names none. */
export const defaultImage = 'Visual Studio 2015';

/**
 * Platform of a standard image name, ignoring case and a `Previous ` prefix.
 * Custom names (baked images) are windows unless they carry an `ubuntu` or
 * `linux` word; callers that know better pass `imagePlatform` to the planner.
 */
export function platformOfImage(image: string): Platform {
  const name = image
    .trim()
    .toLowerCase()
    .replace(/^previous\s+/, '');
  if (/^(ubuntu|linux)/.test(name) || /(^|[-_ ])(ubuntu|linux)/.test(name))
    return 'linux';
  if (/^(macos|osx)/.test(name)) return 'macos';

  return 'windows';
}
