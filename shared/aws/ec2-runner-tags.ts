/** The tag keys Bakehouse puts on its runners and their volumes. */
export const runnerTags = {
  installation: 'bakehouse:installation',
  build: 'bakehouse:build',
  job: 'bakehouse:job',
  expiresAt: 'bakehouse:expires-at',
  /** The image the runner started from (its key), and its custom version. */
  image: 'bakehouse:image',
  imageVersion: 'bakehouse:image-version',
} as const;
