import * as z from 'zod/mini';
import { isRefName, isRepositoryName, maxRefBytes } from './limits.ts';

/**
 * The parts of GitHub's `push` and `pull_request` payloads that a build needs,
 * as zod/mini schemas; everything else in a payload is ignored.
 */

const fileLists = {
  added: z.optional(z.array(z.string())),
  modified: z.optional(z.array(z.string())),
  removed: z.optional(z.array(z.string())),
};

/** A commit id: 40 hex digits, or 64 in a SHA-256 repository. */
const sha = z.string().check(z.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/));
const name = z.string().check(z.minLength(1));
/** `owner/repo`: it keys the project's views and is a path of the API. */
const repository = z.object({
  full_name: z
    .string()
    .check(
      z.refine(
        isRepositoryName,
        "should be owner/repo as GitHub names them: an owner of 1–39 letters, digits, '-' " +
          "or '_', not starting with '-', and a repository of 1–100 letters, digits, '.', " +
          "'-' or '_', other than '.' and '..'",
      ),
    ),
});
/** A ref or branch name, as git allows it and within {@link maxRefBytes}. */
const refName = z
  .string()
  .check(
    z.refine(
      isRefName,
      `should be a git ref name of at most ${maxRefBytes} bytes (no control characters, ` +
        "spaces, '..', '~', '^', ':', '?', '*', '[' or '\\')",
    ),
  );

/** A `push` payload before we know whether it deletes its ref. */
export const pushEnvelope = z.object({
  ref: refName,
  after: z.string(),
  deleted: z.optional(z.boolean()),
  repository,
});

/** A `push` that creates or moves a ref: its head commit is required. */
export const pushPayload = z.object({
  ref: refName,
  before: z.optional(sha),
  after: sha,
  repository,
  head_commit: z.object({
    id: sha,
    message: z.string(),
    author: z.object({ name: z.string(), email: z.optional(z.string()) }),
    ...fileLists,
  }),
  commits: z.optional(z.array(z.object(fileLists))),
});

/** A `pull_request` payload before its action is known to build. */
export const pullRequestEnvelope = z.object({ action: z.string() });

/** A `pull_request` payload whose action builds. */
export const pullRequestPayload = z.object({
  action: z.string(),
  number: z.number().check(z.int(), z.positive()),
  repository,
  pull_request: z.object({
    title: name,
    body: z.optional(z.nullable(z.string())),
    merge_commit_sha: z.optional(z.nullable(sha)),
    user: z.object({ login: name }),
    head: z.object({ ref: refName, sha, repo: z.nullable(repository) }),
    base: z.object({ ref: refName, repo: repository }),
  }),
});

/** Raised when a payload lacks a field a build needs, or has it of the wrong type. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';

  constructor(
    readonly event: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${event} payload: '${field}' ${problem}`);
  }
}

/** Parses `value` with `schema`, or throws a {@link PayloadError} naming the first bad field. */
export function parsePayload<T>(
  event: string,
  schema: z.ZodMiniType<T>,
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;

  const issue = parsed.error.issues[0];
  const path = issue?.path ?? [];
  const found = path.reduce<unknown>(
    (node, key) =>
      node && typeof node === 'object' ? Reflect.get(node, key) : undefined,
    value,
  );
  const kind = issue && 'expected' in issue ? String(issue.expected) : '';
  const expected = kind && `should be ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
  const rule = issue?.code === 'custom' ? `${issue.message}: ${quoted(found)}` : '';
  const problem =
    found === undefined
      ? 'is missing'
      : expected || rule || `is not valid: ${quoted(found)}`;
  throw new PayloadError(event, path.map(String).join('.') || '(body)', problem);
}

/** A value for a message, cut to a readable length: payload values can be megabytes. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);

  return text.length > 100 ? `${text.slice(0, 100)}… (${text.length} characters)` : text;
}
