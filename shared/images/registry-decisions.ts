import type { Platform } from '../config/plan.ts';
import { type EventDataMap, newEvent } from '../events/catalogue.ts';
import type { NewEvent } from '../events/store.ts';
import { ImageCommandRefusedError } from './errors.ts';
import {
  findVersion,
  type ImageState,
  type ImageVersion,
  imageOwner,
  mayBake,
} from './registry-state.ts';

/**
 * The image registry's decisions: given an image's folded state and a
 * command, the events to append, or a refusal that says why.
 */

/** A new version to register; the registry gives it its number. */
export interface NewImageVersion
  extends Omit<EventDataMap['ImageVersionAdded'], 'version' | 'platform'> {
  readonly platform: Platform;
}

/** The events of one decision and the version they are about. */
export interface ImageDecision {
  readonly version: number;
  readonly events: readonly NewEvent[];
}

/**
 * Adds the next version of a name and makes it current in the same commit;
 * refused for a build of a repository the image does not belong to.
 */
export function decideAddVersion(
  state: ImageState | undefined,
  added: NewImageVersion,
): ImageDecision {
  if (state && !mayBake(state, added.repository))
    refuse(notOwnerReason(state, added.repository));
  const version = (state?.lastVersion ?? 0) + 1;
  const buildId = added.buildId;

  return {
    version,
    events: [
      newEvent('ImageVersionAdded', { ...added, version }),
      newEvent('ImageVersionMadeCurrent', { version, buildId }),
    ],
  };
}

/**
 * Moves the current version back to the `requested` one, or to the newest version
 * older than the current one that is not deprecated.
 */
export function decideRollBack(state: ImageState, requested?: number): ImageDecision {
  const target =
    requested === undefined ? previousVersion(state) : liveVersion(state, requested);
  if (target.deprecated) {
    refuse(`${label(state, target.version)} is deprecated; it cannot become current`);
  }
  if (target.version === state.current) {
    refuse(`${label(state, target.version)} is already current`);
  }
  const toVersion = target.version;
  const event =
    state.current === undefined
      ? newEvent('ImageVersionMadeCurrent', { version: toVersion })
      : newEvent('ImageRolledBack', { fromVersion: state.current, toVersion });

  return { version: toVersion, events: [event] };
}

/** Marks a version deprecated; the current version cannot be. */
export function decideDeprecate(state: ImageState, version: number): ImageDecision {
  const target = liveVersion(state, version);
  if (target.version === state.current) {
    refuse(`${label(state, version)} is current; roll back before deprecating it`);
  }
  if (target.deprecated) refuse(`${label(state, version)} is already deprecated`);

  return {
    version,
    events: [newEvent('ImageVersionDeprecated', { version })],
  };
}

/** What a delete must respect. */
export interface DeleteRules {
  /** Versions of this image that running builds started from. */
  readonly inUse: ReadonlySet<number>;
  /** Allows deleting the current version; the newest other version becomes current. */
  readonly force?: boolean;
  /** Said in the event; `operator` unless given. */
  readonly reason?: string;
}

/** Deletes a version: refused while in use, and for the current one without force. */
export function decideDelete(
  state: ImageState,
  version: number,
  rules: DeleteRules,
): ImageDecision {
  liveVersion(state, version);
  if (rules.inUse.has(version)) {
    refuse(`${label(state, version)} is used by a running build; try again when it ends`);
  }
  const isCurrent = version === state.current;
  if (isCurrent && !rules.force) {
    refuse(`${label(state, version)} is current; roll back first or use --force`);
  }
  const reason = rules.reason ?? 'operator';
  const events: NewEvent[] = [newEvent('ImageVersionDeleted', { version, reason })];
  const successor = isCurrent ? newestOther(state, version) : undefined;
  if (successor) {
    const toVersion = successor.version;
    events.push(newEvent('ImageRolledBack', { fromVersion: version, toVersion, reason }));
  }

  return { version, events };
}

/**
 * The versions retention removes: all but the newest `keep`, never the
 * current version nor one a running build uses. Oldest first.
 */
export function retentionVictims(
  state: ImageState,
  keep: number,
  inUse: ReadonlySet<number>,
): ImageVersion[] {
  const newestFirst = [...state.versions].sort((a, b) => b.version - a.version);

  return newestFirst
    .slice(Math.max(keep, 1))
    .filter((v) => v.version !== state.current && !inUse.has(v.version))
    .reverse();
}

function previousVersion(state: ImageState): ImageVersion {
  const current = state.current ?? Number.POSITIVE_INFINITY;
  const older = state.versions.filter((v) => v.version < current && !v.deprecated);
  const target = older.at(-1);
  if (!target) refuse(`image ${state.name} has no earlier version to roll back to`);

  return target;
}

function newestOther(state: ImageState, version: number): ImageVersion | undefined {
  return state.versions.filter((v) => v.version !== version && !v.deprecated).at(-1);
}

function liveVersion(state: ImageState, version: number): ImageVersion {
  const found = findVersion(state, version);
  if (!found) refuse(`${label(state, version)} does not exist or was deleted`);

  return found;
}

function label(state: ImageState, version: number): string {
  return `image ${state.name} version ${version}`;
}

function refuse(message: string): never {
  throw new ImageCommandRefusedError(message);
}

/** Why a build of `repository` may not bake an image another repository owns. */
export function notOwnerReason(state: ImageState, repository: string): string {
  return (
    `image ${state.name} belongs to ${imageOwner(state)}, whose build baked its ` +
    `oldest version: a build of ${repository} may use it but not bake it (an ` +
    'operator frees the name by deleting its versions)'
  );
}
