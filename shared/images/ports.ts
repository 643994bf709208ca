import type { Platform } from '../config/plan.ts';
import type { ImageReference } from '../events/catalogue.ts';

/**
 * The ports of the image side: the image store (AMIs on AWS, snapshots of
 * runner folders locally), the base image resolver, and who uses what.
 */

/** What a bake asks the image store to capture. */
export interface ImageCaptureRequest {
  /** The runner to capture: an instance id on AWS, a runner folder id locally. */
  readonly runnerId: string;
  /** The custom image name as the bake wrote it. */
  readonly imageName: string;
  readonly platform: Platform;
  readonly buildId: string;
  readonly jobId: string;
  readonly commit: string;
  /** The image the runner started from; no version for a base image. */
  readonly parent: ImageReference;
}

/** An image a build began, as the store finds it from the build's id. */
export interface BuildImage {
  readonly ref: string;
  readonly jobId: string;
}

/** Where an image stands in its store. */
export type StoredImageState =
  | { readonly state: 'pending' }
  | { readonly state: 'available' }
  | { readonly state: 'failed'; readonly reason: string };

/** The image store port. */
export interface ImageStore {
  /**
   * Starts capturing a runner; resolves to the image's ref. Idempotent per
   * build and job: a retried bake gets the image it already started.
   */
  capture(request: ImageCaptureRequest): Promise<string>;
  /**
   * The ref of the image a bake (name, build, job) began, complete or not;
   * undefined when it began none. A failed bake deletes what it finds.
   */
  find(
    request: Pick<ImageCaptureRequest, 'imageName' | 'buildId' | 'jobId'>,
  ): Promise<string | undefined>;
  /** Every image the jobs of a build began, complete or not. */
  findByBuild(buildId: string): Promise<BuildImage[]>;
  /** The state of an image from one look; an image not yet visible is pending. */
  state(ref: string): Promise<StoredImageState>;
  /** Records the registry version on the stored image (a tag on AWS). */
  markVersion(ref: string, version: number): Promise<void>;
  /**
   * Deletes an image and its storage without waiting for them to go (an
   * AMI's deletion finishes on its own). Deleting what is gone does nothing,
   * so a failed delete is retried by calling it again.
   */
  delete(ref: string): Promise<void>;
}

/** Where a base image comes from, as the operator maps it. */
export type BaseImageSource =
  /** An SSM parameter holding an AMI id, e.g. Canonical's public ones. */
  | { readonly kind: 'ssm'; readonly parameter: string }
  /** An Image Builder pipeline; its newest available output image. */
  | { readonly kind: 'image-builder'; readonly pipelineArn: string }
  /** A fixed AMI id. */
  | { readonly kind: 'ami'; readonly imageId: string };

/** Turns a base image source into a ref a runner starts from. */
export interface BaseImageResolver {
  resolve(source: BaseImageSource): Promise<string>;
}

/** Which versions of an image running builds started from. */
export interface ImageUsage {
  versionsInUse(imageName: string): Promise<ReadonlySet<number>>;
}
