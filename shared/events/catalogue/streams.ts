/** The kinds of event streams. */
export type StreamKind = 'build' | 'image' | 'project';

/** The stream kinds, in the order replay reads them. */
export const streamKinds: readonly StreamKind[] = ['project', 'build', 'image'];

/** Raised for a stream id that names no known kind. */
export class UnknownStreamKindError extends Error {
  override readonly name = 'UnknownStreamKindError';
}

/** The stream of one build: `build-<id>`. */
export function buildStream(buildId: string): string {
  return `build-${buildId}`;
}

/**
 * The stream of one custom image: `image-<name>`, lower-cased because image
 * names match case-insensitively; events keep the name as first written.
 */
export function imageStream(name: string): string {
  return `image-${name.toLowerCase()}`;
}

/**
 * The stream of one project: `project-<owner/repo>`, lower-cased because
 * GitHub repository names are case-insensitive.
 */
export function projectStream(repository: string): string {
  return `project-${repository.toLowerCase()}`;
}

/** The kind of a stream, from its id; undefined when it names none. */
export function findStreamKind(streamId: string): StreamKind | undefined {
  return streamKinds.find((kind) => streamId.startsWith(`${kind}-`));
}

/** The kind of a stream, from its id; throws when it names none. */
export function streamKindOf(streamId: string): StreamKind {
  const kind = findStreamKind(streamId);
  if (!kind) throw new UnknownStreamKindError(`Stream '${streamId}' is of no known kind`);

  return kind;
}

/** The id inside a stream id: `build-01J...` gives `01J...`. */
export function streamSubject(streamId: string): string {
  return streamId.slice(streamKindOf(streamId).length + 1);
}
