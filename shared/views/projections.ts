/**
 * Which view items each kind of stream produces. Live projection and replay
 * both go through `viewItemsOf`, so they build the same items by construction.
 */

import type { KnownEvent } from '../events/catalogue.ts';
import { findStreamKind, readEvent, streamSubject } from '../events/catalogue.ts';
import type { StoredEvent } from '../events/store.ts';
import { applyBuildEvent, type BuildView } from './build-view.ts';
import { applyImageEvent, type ImageView } from './image-view.ts';
import {
  buildKey,
  imageKey,
  imagesPk,
  projectBuildKey,
  projectsPk,
  provenanceKey,
  type ViewItem,
  type ViewKey,
} from './view-keys.ts';

/** The items one stream's state gives, besides the primary item. */
export interface DerivedItems {
  /** Rewritten at every change, stamped with the stream version. */
  readonly owned: readonly ViewItem[];
  /** Written once and never changed (provenance of an image version). */
  readonly immutable: readonly ViewItem[];
  /** Shared by many streams; the greatest `order` wins, then the greatest version. */
  readonly latest: readonly (ViewItem & { readonly order: string })[];
}

/** Every item of one stream: the primary item holds the state and the version. */
export interface StreamViewItems extends DerivedItems {
  readonly primary: ViewItem & { readonly streamVersion: number };
}

/** How one kind of stream folds into views. */
export interface Projection<S extends object = object> {
  primaryKey(streamId: string): ViewKey;
  /** Applies one event to the state, which it may change; returns the new state. */
  apply(state: S | undefined, event: KnownEvent): S | undefined;
  derive(state: S): DerivedItems;
}

const buildProjection: Projection<BuildView> = {
  primaryKey: (streamId) => buildKey(streamSubject(streamId)),
  apply: applyBuildEvent,
  derive: (build) => {
    const { jobs, messages, configErrors, ...summary } = build;
    const projectsKey = { pk: projectsPk, sk: build.repository.toLowerCase() };

    return {
      owned: [{ ...projectBuildKey(build.repository, build.buildId), ...summary }],
      immutable: [],
      latest: [
        {
          ...projectsKey,
          order: build.buildId,
          repository: build.repository,
          lastBuildId: build.buildId,
          lastBuildNumber: build.number,
          lastStatus: build.status,
          lastRequestedAt: build.requestedAt,
        },
      ],
    };
  },
};

const imageProjection: Projection<ImageView> = {
  primaryKey: (streamId) => imageKey(streamSubject(streamId)),
  apply: applyImageEvent,
  derive: (image) => {
    const current = image.versions.find((v) => v.version === image.currentVersion);

    return {
      owned: [
        {
          pk: imagesPk,
          sk: image.name.toLowerCase(),
          name: image.name,
          currentVersion: image.currentVersion,
          currentRef: current?.ref,
          // Deleted versions keep their provenance, not their place in the count.
          versionCount: image.versions.filter((v) => v.status !== 'deleted').length,
          updatedAt: image.updatedAt,
        },
      ],
      immutable: image.versions.map(({ status: _, ...version }) => ({
        ...provenanceKey(image.name, version.version),
        name: image.name,
        ...version,
      })),
      latest: [],
    };
  },
};

/**
 * The projection of a stream, or undefined when its kind has no views
 * (project streams: build numbers are read from the stream itself).
 */
export function projectionFor(streamId: string): Projection | undefined {
  const kind = findStreamKind(streamId);
  if (kind === 'build') return buildProjection as Projection;
  if (kind === 'image') return imageProjection as Projection;

  return undefined;
}

/** Folds stored events over a copy of the state, skipping events this code does not know. */
export function foldStream<S extends object>(
  projection: Projection<S>,
  state: S | undefined,
  events: readonly StoredEvent[],
): S | undefined {
  let next = state && structuredClone(state);
  for (const stored of events) {
    const event = readEvent(stored);
    if (event) next = projection.apply(next, event);
  }

  return next;
}

/** Every item of a stream whose state stands at `streamVersion`. */
export function viewItemsOf<S extends object>(
  projection: Projection<S>,
  streamId: string,
  state: S,
  streamVersion: number,
): StreamViewItems {
  const derived = projection.derive(state);

  return {
    primary: { ...projection.primaryKey(streamId), ...state, streamVersion },
    owned: derived.owned.map((item) => ({ ...item, streamVersion })),
    immutable: derived.immutable,
    latest: derived.latest.map((item) => ({ ...item, streamVersion })),
  };
}

/** The state a primary item holds. */
export function stateOf<S extends object>(item: Record<string, unknown>): S {
  const { pk: _pk, sk: _sk, streamVersion: _v, ...state } = item;

  return state as S;
}
