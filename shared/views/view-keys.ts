/** The keys of the items in the views table, in one place for writers and readers. */

/** The key of a view item. */
export interface ViewKey {
  readonly pk: string;
  readonly sk: string;
}

/** A view item: its key and its attributes. */
export interface ViewItem extends ViewKey {
  readonly [attribute: string]: unknown;
}

/** The item holding a build's whole view. */
export const buildKey = (buildId: string): ViewKey => ({
  pk: `build#${buildId}`,
  sk: 'build',
});

/** The partition of a project's build summaries; sort keys order them by build id. */
export const projectBuildsPk = (repository: string): string =>
  `project#${repository.toLowerCase()}`;

/** A build's summary in its project's list. */
export const projectBuildKey = (repository: string, buildId: string): ViewKey => ({
  pk: projectBuildsPk(repository),
  sk: `build#${buildId}`,
});

/** The partition listing every project. */
export const projectsPk = 'projects';

/** The partition listing every image. */
export const imagesPk = 'images';

/** The item holding an image's whole view. */
export const imageKey = (name: string): ViewKey => ({
  pk: `image#${name.toLowerCase()}`,
  sk: 'image',
});

/** The provenance of one image version; versions sort numerically. */
export const provenanceKey = (name: string, version: number): ViewKey => ({
  pk: `provenance#${name.toLowerCase()}`,
  sk: `v#${String(version).padStart(8, '0')}`,
});
