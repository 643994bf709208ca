/**
 * The build version: AppVeyor's format with `{build}` (the build number) and
 * `{branch}` (the branch built) expanded.
 */

/** The version format when a config sets none. */
export const defaultVersionFormat = '1.0.{build}';

/** Expands `{build}` and `{branch}` in a version format (case-insensitively). */
export function expandVersion(
  format: string,
  values: { readonly build: number; readonly branch: string },
): string {
  return format
    .replace(/\{build\}/gi, String(values.build))
    .replace(/\{branch\}/gi, values.branch);
}
