/**
 * The build version: AppVeyor's format with `{build}` (the build number) and
 * `{branch}` (the branch built) expanded.
 */

/** The version format when a config sets none. */
export const defaultVersionFormat = '1.0.{build}';

/**
 * The branch `{branch}` names: the branch built (a pull request's base). A tag
 * push whose branch is not known builds with the tag name as its branch, as
 * AppVeyor does for annotated tags.
 */
export function versionBranch(target: {
  readonly branch?: string;
  readonly tag?: string;
}): string {
  return target.branch ?? target.tag ?? '';
}

/** Expands `{build}` and `{branch}` in a version format (case-insensitively). */
export function expandVersion(
  format: string,
  values: { readonly build: number; readonly branch: string },
): string {
  return format
    .replace(/\{build\}/gi, String(values.build))
    .replace(/\{branch\}/gi, values.branch);
}
