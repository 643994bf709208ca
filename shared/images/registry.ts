import { imageStream } from '../events/catalogue.ts';
import { StreamVersionConflictError } from '../events/errors.ts';
import type { EventStore } from '../events/store.ts';
import { ImageNotFoundError } from './errors.ts';
import type { ImageStore, ImageUsage } from './ports.ts';
import {
  decideAddVersion,
  decideDelete,
  decideDeprecate,
  decideRollBack,
  type ImageDecision,
  type NewImageVersion,
  retentionVictims,
} from './registry-decisions.ts';
import { findVersion, foldImage, type ImageState } from './registry-state.ts';

/** What the registry works with. */
export interface ImageRegistryDeps {
  readonly events: EventStore;
  readonly store: ImageStore;
  readonly usage: ImageUsage;
}

/** How often a decision is taken again after another writer moved the stream. */
const conflictAttempts = 5;

/**
 * The image registry over the `image-<name>` streams: loads an image, takes a
 * decision and commits it, deciding again when another writer got there first
 * (matrix jobs baking one name finish in any order; the last is current).
 */
export class ImageRegistry {
  constructor(private readonly deps: ImageRegistryDeps) {}

  /** The image of a name in any case; undefined when nothing was ever baked. */
  async load(name: string): Promise<ImageState | undefined> {
    return foldImage(await this.deps.events.read(imageStream(name.trim())));
  }

  /**
   * Registers a baked image as its name's next version, current at once.
   * Idempotent per bake: a retried registration returns the first version.
   */
  async addVersion(added: NewImageVersion): Promise<number> {
    const key = `image-version-${added.buildId}-${added.jobId ?? ''}`;

    return this.decide(added.name, (state) => decideAddVersion(state, added), key);
  }

  /** Makes an earlier version current: the given one, or the one before the current. */
  async rollBack(name: string, toVersion?: number): Promise<number> {
    return this.decide(name, (state) => decideRollBack(existing(state, name), toVersion));
  }

  /** Deprecates a version that is not current. */
  async deprecate(name: string, version: number): Promise<number> {
    return this.decide(name, (state) => decideDeprecate(existing(state, name), version));
  }

  /**
   * Deletes a version: refused while a running build uses it, and for the
   * current version unless forced. The stored image goes first, then
   * ImageVersionDeleted is committed, so a failed delete leaves the version
   * listed (and the command can be repeated) instead of orphaning its image.
   */
  async deleteVersion(name: string, version: number, force = false): Promise<void> {
    const inUse = await this.deps.usage.versionsInUse(name);
    const rules = { inUse, force };
    const image = existing(await this.load(name), name);
    decideDelete(image, version, rules);

    const ref = findVersion(image, version)?.ref;
    if (ref) await this.deps.store.delete(ref);
    await this.decide(name, (state) =>
      decideDelete(existing(state, name), version, rules),
    );
  }

  /**
   * Deletes all but the newest `keep` versions of a name, sparing the current
   * one and those in use, each stored image before its event; returns the
   * versions deleted, oldest first.
   */
  async applyRetention(name: string, keep: number): Promise<number[]> {
    const state = await this.load(name);
    if (!state) return [];
    const inUse = await this.deps.usage.versionsInUse(name);
    const rules = { inUse, reason: 'retention' };
    const deleted: number[] = [];
    for (const victim of retentionVictims(state, keep, inUse)) {
      // Refusals first (a rollback may have made it current since).
      decideDelete(existing(await this.load(name), name), victim.version, rules);
      await this.deps.store.delete(victim.ref);
      await this.decide(name, (latest) =>
        decideDelete(existing(latest, name), victim.version, rules),
      );
      deleted.push(victim.version);
    }

    return deleted;
  }

  /** True when a live version of the name is this stored image. */
  async holds(name: string, ref: string): Promise<boolean> {
    const state = await this.load(name);

    return state?.versions.some((v) => v.ref === ref) ?? false;
  }

  private async decide(
    name: string,
    decision: (state: ImageState | undefined) => ImageDecision,
    idempotencyKey?: string,
  ): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.load(name);
      const { version, events } = decision(state);
      const streamId = imageStream(name.trim());
      const expectedVersion = state?.streamVersion ?? 0;
      try {
        const outcome = await this.deps.events.commit({
          appends: [{ streamId, expectedVersion, events }],
          idempotencyKey,
          result: { version },
        });

        return outcome.duplicate ? Number(outcome.result?.version) : version;
      } catch (error) {
        const retry = error instanceof StreamVersionConflictError;
        if (!retry || attempt >= conflictAttempts) throw error;
      }
    }
  }
}

function existing(state: ImageState | undefined, name: string): ImageState {
  if (!state) throw new ImageNotFoundError(name);

  return state;
}
