import type { Tag } from '@aws-sdk/client-ec2';
import { imageSlug } from './names.ts';
import type { ImageCaptureRequest } from './ports.ts';

/**
 * The names and tags of baked AMIs. The installation tag is what the IAM
 * policies of the bake and the operator API match before a tag or a delete.
 */

/** The tag keys Bakehouse puts on its AMIs and their snapshots. */
export const amiTags = {
  installation: 'bakehouse:installation',
  image: 'bakehouse:image',
  version: 'bakehouse:version',
  build: 'bakehouse:build',
  job: 'bakehouse:job',
  commit: 'bakehouse:commit',
  parent: 'bakehouse:parent',
} as const;

/** The AMI name of a bake: one per build and job, so one per image version. */
export function amiName(
  request: Pick<ImageCaptureRequest, 'imageName' | 'buildId' | 'jobId'>,
): string {
  return `bakehouse-${imageSlug(request.imageName)}-${request.buildId}-${request.jobId}`;
}

/** The tags CreateImage puts on the AMI and on its snapshots alike. */
export function captureTags(request: ImageCaptureRequest, installation: string): Tag[] {
  const parent = request.parent;
  const version = parent.version ? `:v${parent.version}` : '';
  const parentValue = `${parent.name}${version} ${parent.ref}`;

  return [
    { Key: 'Name', Value: amiName(request) },
    { Key: amiTags.installation, Value: installation },
    { Key: amiTags.image, Value: request.imageName },
    { Key: amiTags.build, Value: request.buildId },
    { Key: amiTags.job, Value: request.jobId },
    { Key: amiTags.commit, Value: request.commit },
    { Key: amiTags.parent, Value: parentValue.slice(0, 256) },
  ];
}

/** The value of a tag, if the resource has it. */
export function tagValue(tags: readonly Tag[] | undefined, key: string) {
  return tags?.find((tag) => tag.Key === key)?.Value;
}
