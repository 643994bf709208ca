import type { ImageReference } from './build-events.ts';

/** The payloads of the events of an `image-<name>` stream, by event type. */
export interface ImageEventData {
  /** A bake registered a new version of the image (not yet current). */
  ImageVersionAdded: {
    /** The image name as first written; the stream id holds it lower-cased. */
    readonly name: string;
    readonly version: number;
    /** The AMI id, or the local snapshot's folder. */
    readonly ref: string;
    readonly platform: string;
    readonly buildId: string;
    readonly jobId?: string;
    /** The sha of the commit whose build baked this version. */
    readonly commit: string;
    /** `owner/repo` of that build. */
    readonly repository: string;
    /** The image the baking runner started from. */
    readonly parent: ImageReference;
  };
  /** A version became the one `image: <name>` resolves to. */
  ImageVersionMadeCurrent: { readonly version: number; readonly buildId?: string };
  /** An operator made an earlier version current again. */
  ImageRolledBack: {
    readonly fromVersion: number;
    readonly toVersion: number;
    readonly reason?: string;
  };
  ImageVersionDeprecated: { readonly version: number; readonly reason?: string };
  /** The version's AMI or snapshot was removed; its provenance stays. */
  ImageVersionDeleted: { readonly version: number; readonly reason?: string };
}

/** The payloads of the events of a `project-<owner/repo>` stream, by event type. */
export interface ProjectEventData {
  /** The project's next build number went to a build; numbers never repeat or skip. */
  BuildNumberAllocated: { readonly buildId: string; readonly number: number };
}
