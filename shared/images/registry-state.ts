import { type EventDataMap, readEvent } from '../events/catalogue.ts';
import type { StoredEvent } from '../events/store.ts';

/** A live version of an image: added and not deleted. */
export interface ImageVersion extends Readonly<EventDataMap['ImageVersionAdded']> {
  /** ISO time the version was registered. */
  readonly addedAt: string;
  readonly deprecated: boolean;
}

/** An image name folded from its stream. */
export interface ImageState {
  /** The name as first written. */
  readonly name: string;
  /** The stream version the state was folded up to, for the next commit. */
  readonly streamVersion: number;
  /** Live versions, oldest first. */
  readonly versions: readonly ImageVersion[];
  /** The version later builds start from, absent when none is left. */
  readonly current?: number;
  /** The highest version number ever given, deleted ones included. */
  readonly lastVersion: number;
}

const empty: ImageState = { name: '', streamVersion: 0, versions: [], lastVersion: 0 };

/** Folds the events of an image stream; undefined for an empty stream. */
export function foldImage(events: readonly StoredEvent[]): ImageState | undefined {
  if (events.length === 0) return undefined;

  return events.reduce(apply, empty);
}

function apply(state: ImageState, stored: StoredEvent): ImageState {
  const next = { ...state, streamVersion: stored.version };
  const event = readEvent(stored);
  switch (event?.type) {
    case 'ImageVersionAdded': {
      const added = { ...event.data, addedAt: stored.recordedAt, deprecated: false };

      return {
        ...next,
        name: state.name || event.data.name,
        versions: [...state.versions, added],
        lastVersion: Math.max(state.lastVersion, event.data.version),
      };
    }
    case 'ImageVersionMadeCurrent':
      return { ...next, current: event.data.version };
    case 'ImageRolledBack':
      return { ...next, current: event.data.toVersion };
    case 'ImageVersionDeprecated': {
      const version = event.data.version;
      const versions = state.versions.map((v) =>
        v.version === version ? { ...v, deprecated: true } : v,
      );

      return { ...next, versions };
    }
    case 'ImageVersionDeleted': {
      const version = event.data.version;
      const versions = state.versions.filter((v) => v.version !== version);
      const current = state.current === version ? undefined : state.current;

      return { ...next, versions, current };
    }
    default:
      return next;
  }
}

/** The live version with this number, if any. */
export function findVersion(
  state: ImageState,
  version: number,
): ImageVersion | undefined {
  return state.versions.find((v) => v.version === version);
}

/**
 * The repository an image belongs to: the one that baked its oldest live
 * version. Only its builds bake the name again; any build may use it. An
 * image whose versions are all deleted belongs to no one.
 */
export function imageOwner(state: ImageState | undefined): string | undefined {
  return state?.versions[0]?.repository;
}

/** True when builds of `repository` may bake this image (GitHub names ignore case). */
export function mayBake(state: ImageState | undefined, repository: string): boolean {
  const owner = imageOwner(state);

  return owner === undefined || owner.toLowerCase() === repository.toLowerCase();
}

/** The current version's details, if the image has one. */
export function currentVersion(state: ImageState): ImageVersion | undefined {
  return state.current === undefined ? undefined : findVersion(state, state.current);
}
