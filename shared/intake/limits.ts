/**
 * What intake accepts of a delivery and how much of it a build request
 * keeps. Names that become keys or paths (the delivery id, `owner/repo`,
 * refs) are checked and refused when wrong; free text (commit messages,
 * author names, changed paths) is kept within a budget, so BuildRequested
 * stays far below DynamoDB's 400 KB item whatever GitHub sends (up to 25 MB).
 */
import { cutToBytes } from '../text/bytes.ts';
import { hasControlCharacter } from '../text/control.ts';

/**
 * An `X-GitHub-Delivery` id: GitHub sends a GUID; intake takes 1–100
 * letters, digits and hyphens, which keeps the idempotency key far below
 * DynamoDB's 2,048-byte partition key and safe in logs.
 */
export const deliveryIdShape = /^[A-Za-z0-9-]{1,100}$/;

/** A delivery id for a log line: itself when well formed, else only its length. */
export function loggedDeliveryId(id: string | undefined): string | undefined {
  if (id === undefined || deliveryIdShape.test(id)) return id;

  return `(malformed, ${id.length} characters)`;
}

/**
 * An owner as GitHub names users and organisations: 1–39 letters, digits and
 * hyphens, not starting with a hyphen. Underscores are taken too: Enterprise
 * Managed Users' names end in `_<shortcode>`.
 */
const ownerShape = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,38}$/;

/** A repository name as GitHub allows it: 1–100 of letters, digits, `.`, `-`, `_`. */
const repoShape = /^[A-Za-z0-9_.-]{1,100}$/;

/** True for `owner/repo` by GitHub's naming rules, which also keeps it a safe path. */
export function isRepositoryName(fullName: string): boolean {
  const parts = fullName.split('/');
  const [owner = '', repo = ''] = parts;

  return (
    parts.length === 2 &&
    ownerShape.test(owner) &&
    repoShape.test(repo) &&
    repo !== '.' &&
    repo !== '..'
  );
}

/**
 * The longest ref or branch name taken, in UTF-8 bytes. Git sets no limit;
 * GitHub refuses branch names past about 250 bytes, so this leaves room.
 */
export const maxRefBytes = 1024;

/** What `git check-ref-format` refuses in a ref, besides control characters and spaces. */
const refTaboo = /[~^:?*[\\]|\.\.|@\{|\/\/|^\/|(?:^|\/)\.|\.lock(?:\/|$)|[/.]$/;

/**
 * True for a ref (`refs/heads/main`) or branch name (`main`) that git would
 * create, within {@link maxRefBytes}.
 */
export function isRefName(ref: string): boolean {
  return (
    ref.length > 0 &&
    ref !== '@' &&
    Buffer.byteLength(ref) <= maxRefBytes &&
    !ref.includes(' ') &&
    !hasControlCharacter(ref) &&
    !refTaboo.test(ref)
  );
}

/**
 * The most of a commit message a build request keeps, in UTF-8 bytes. The
 * title (up to the first blank line), which skip markers, commit filters and
 * views read, is the start of the message and kept whole up to this size.
 */
export const maxCommitMessageBytes = 16 * 1024;

/** The most of an author's name or email a build request keeps, in UTF-8 bytes. */
export const maxAuthorBytes = 1024;

/** The longest changed path kept, in UTF-8 bytes (Linux's PATH_MAX). */
export const maxChangedPathBytes = 4096;

/** The most bytes of changed paths one build request carries, all paths together. */
export const maxChangedFilesBytes = 100 * 1024;

/**
 * A commit message within {@link maxCommitMessageBytes}; a longer one is cut
 * and ends, after a blank line (so never in the title), with a note saying so.
 */
export function keptCommitMessage(message: string): string {
  const bytes = Buffer.byteLength(message);
  if (bytes <= maxCommitMessageBytes) return message;
  const kept = cutToBytes(message, maxCommitMessageBytes);

  return `${kept}\n\n[Bakehouse kept the first ${maxCommitMessageBytes} of ${bytes} bytes]`;
}

/**
 * The changed files when a build request can carry them all, or undefined
 * ("too many to tell") past {@link maxChangedFilesBytes} or with a path past
 * {@link maxChangedPathBytes}: a cut list would make commit filters decide
 * on files that are not all there, so the build asks the source host.
 */
export function keptChangedFiles(
  files: ReadonlySet<string>,
  maxCount: number,
): string[] | undefined {
  if (files.size > maxCount) return undefined;
  let total = 0;
  for (const file of files) {
    const bytes = Buffer.byteLength(file);
    total += bytes;
    if (bytes > maxChangedPathBytes || total > maxChangedFilesBytes) return undefined;
  }

  return [...files];
}
