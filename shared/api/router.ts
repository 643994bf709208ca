/**
 * A router for GET routes with path parameters written as API Gateway writes
 * them (`/api/builds/{buildId}`), so a route table reads like the deployed
 * API's. Parameters match one path segment each and arrive URL-decoded; a
 * greedy last parameter (`{fileName+}`) takes the rest of the path, its
 * segments decoded one by one and joined with `/`.
 */

/** The parameters a route's path matched, by name. */
export type PathParameters = Readonly<Record<string, string>>;

/** A route: a path template and what answers it. */
export interface RouteOf<T> {
  readonly path: string;
  readonly answer: T;
}

/** What a request path matched: the route's answer and its parameters. */
export interface RouteMatch<T> {
  readonly answer: T;
  readonly parameters: PathParameters;
}

/** Raised for a route table that cannot be built, naming the bad template. */
export class RouteTemplateError extends Error {
  override readonly name = 'RouteTemplateError';
}

interface CompiledRoute<T> {
  readonly segments: readonly string[];
  readonly answer: T;
}

/** Matches request paths against path templates, first match wins. */
export class PathRouter<T> {
  readonly #routes: readonly CompiledRoute<T>[];

  constructor(routes: readonly RouteOf<T>[]) {
    this.#routes = routes.map(({ path, answer }) => ({
      segments: compile(path),
      answer,
    }));
  }

  /** The route a path matches, or undefined; a segment that is not valid URL encoding matches nothing. */
  match(path: string): RouteMatch<T> | undefined {
    const segments = splitPath(path);
    for (const route of this.#routes) {
      const parameters = matchSegments(route.segments, segments);
      if (parameters) return { answer: route.answer, parameters };
    }

    return undefined;
  }
}

function compile(path: string): string[] {
  const segments = splitPath(path);
  for (const [index, segment] of segments.entries()) {
    const greedy = segment.endsWith('+}');
    if (
      segment.startsWith('{') !== segment.endsWith('}') ||
      segment === '{}' ||
      segment === '{+}' ||
      (greedy && index !== segments.length - 1)
    ) {
      throw new RouteTemplateError(`Route template ${path}: bad segment '${segment}'`);
    }
  }

  return segments;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(
  template: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  const greedy = template.at(-1)?.endsWith('+}') === true;
  if (greedy ? segments.length < template.length : template.length !== segments.length) {
    return undefined;
  }
  const parameters: Record<string, string> = {};
  for (const [index, expected] of template.entries()) {
    const actual = segments[index] ?? '';
    if (expected.endsWith('+}')) {
      const rest = segments.slice(index).map(decodeSegment);
      if (rest.some((value) => value === undefined || value === '')) return undefined;
      parameters[expected.slice(1, -2)] = rest.join('/');
    } else if (expected.startsWith('{')) {
      const value = decodeSegment(actual);
      if (value === undefined || value === '') return undefined;
      parameters[expected.slice(1, -1)] = value;
    } else if (expected !== actual) {
      return undefined;
    }
  }

  return parameters;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
