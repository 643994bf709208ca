import * as z from 'zod/mini';

/**
 * The parts of GitHub's `push` and `pull_request` payloads that a build needs,
 * as zod/mini schemas; everything else in a payload is ignored.
 */

const fileLists = {
  added: z.optional(z.array(z.string())),
  modified: z.optional(z.array(z.string())),
  removed: z.optional(z.array(z.string())),
};

const repository = z.object({ full_name: z.string() });

/** A `push` payload before we know whether it deletes its ref. */
export const pushEnvelope = z.object({
  ref: z.string(),
  after: z.string(),
  deleted: z.optional(z.boolean()),
  repository,
});

/** A `push` that creates or moves a ref: its head commit is required. */
export const pushPayload = z.object({
  ref: z.string(),
  before: z.optional(z.string()),
  after: z.string(),
  repository,
  head_commit: z.object({
    id: z.string(),
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
  number: z.number(),
  repository,
  pull_request: z.object({
    title: z.string(),
    body: z.optional(z.nullable(z.string())),
    merge_commit_sha: z.optional(z.nullable(z.string())),
    user: z.object({ login: z.string() }),
    head: z.object({
      ref: z.string(),
      sha: z.string(),
      repo: z.nullable(repository),
    }),
    base: z.object({ ref: z.string(), repo: repository }),
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
  const expected = issue && 'expected' in issue ? `a ${String(issue.expected)}` : 'valid';
  const problem = found === undefined ? 'is missing' : `should be ${expected}`;
  throw new PayloadError(event, path.map(String).join('.') || '(body)', problem);
}
