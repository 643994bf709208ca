/**
 * What intake accepts of a delivery: names that become keys or paths (the
 * delivery id, `owner/repo`, refs) are checked, and refused when wrong.
 */

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

/** True when `text` has an ASCII control character or a space, which git refuses in a ref. */
function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }

  return false;
}

/**
 * True for a ref (`refs/heads/main`) or branch name (`main`) that git would
 * create, within {@link maxRefBytes}.
 */
export function isRefName(ref: string): boolean {
  return (
    ref.length > 0 &&
    ref !== '@' &&
    Buffer.byteLength(ref) <= maxRefBytes &&
    !hasControlOrSpace(ref) &&
    !refTaboo.test(ref)
  );
}
