import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../shared/events/store.ts';
import { ImageCommandRefusedError } from '../../shared/images/errors.ts';
import {
  decideAddVersion,
  decideDelete,
  decideDeprecate,
  decideRollBack,
  retentionVictims,
} from '../../shared/images/registry-decisions.ts';
import { foldImage, type ImageState } from '../../shared/images/registry-state.ts';
import { asStored, bakedVersion } from './support.ts';

/** Folds an image after `count` bakes, plus any further events. */
function imageAfter(count: number, ...more: NewEvent[]): ImageState {
  const state = foldImage(asStored([...imageEvents(count), ...more]));
  if (!state) throw new Error('no image');

  return state;
}

const none = new Set<number>();

describe('decideAddVersion', () => {
  it('adds version 1 of a new name and makes it current in the same decision', () => {
    const decision = decideAddVersion(undefined, bakedVersion('b1'));

    expect(decision.version).toBe(1);
    expect(decision.events.map((e) => e.type)).toEqual([
      'ImageVersionAdded',
      'ImageVersionMadeCurrent',
    ]);
  });

  it('keeps the name as first written when a later bake writes it in another case', () => {
    const first = decideAddVersion(undefined, bakedVersion('b1'));
    const state = foldImage(asStored(first.events));
    const second = decideAddVersion(state, bakedVersion('b2', { name: 'tools-image' }));

    const folded = foldImage(asStored([...first.events, ...second.events]));

    expect(folded?.name).toBe('Tools-Image');
    expect(folded?.current).toBe(2);
  });

  it('never reuses the number of a deleted version', () => {
    const state = imageAfter(2, { type: 'ImageVersionDeleted', data: { version: 2 } });

    expect(decideAddVersion(state, bakedVersion('b3')).version).toBe(3);
  });
});

describe('decideRollBack', () => {
  it('moves the current version to the one before it', () => {
    const state = imageAfter(3);

    const decision = decideRollBack(state);

    expect(decision.version).toBe(2);
    expect(decision.events[0]?.data).toEqual({ fromVersion: 3, toVersion: 2 });
  });

  it('skips deprecated versions when no version is named', () => {
    const state = imageAfter(3, { type: 'ImageVersionDeprecated', data: { version: 2 } });

    expect(decideRollBack(state).version).toBe(1);
  });

  it('refuses a version that does not exist', () => {
    expect(() => decideRollBack(imageAfter(2), 7)).toThrow(/version 7 does not exist/);
  });

  it('refuses when there is no earlier version', () => {
    expect(() => decideRollBack(imageAfter(1))).toThrow(ImageCommandRefusedError);
  });
});

describe('decideDeprecate', () => {
  it('deprecates a version that is not current', () => {
    const decision = decideDeprecate(imageAfter(2), 1);

    expect(decision.events).toEqual([
      expect.objectContaining({ type: 'ImageVersionDeprecated', data: { version: 1 } }),
    ]);
  });

  it('refuses the current version', () => {
    expect(() => decideDeprecate(imageAfter(2), 2)).toThrow(/is current/);
  });
});

describe('decideDelete', () => {
  it('refuses a version a running build uses', () => {
    expect(() => decideDelete(imageAfter(2), 1, { inUse: new Set([1]) })).toThrow(
      /used by a running build/,
    );
  });

  it('refuses the current version without force', () => {
    expect(() => decideDelete(imageAfter(2), 2, { inUse: none })).toThrow(/--force/);
  });

  it('deletes the current version with force and makes the newest other current', () => {
    const decision = decideDelete(imageAfter(3), 3, { inUse: none, force: true });
    const after = imageAfter(3, ...decision.events);

    expect(after.current).toBe(2);
    expect(after.versions.map((v) => v.version)).toEqual([1, 2]);
  });
});

describe('retentionVictims', () => {
  it('keeps the newest N versions and returns the rest, oldest first', () => {
    const victims = retentionVictims(imageAfter(5), 3, none);

    expect(victims.map((v) => v.version)).toEqual([1, 2]);
  });

  it('never removes the current version or one in use', () => {
    const state = imageAfter(5, {
      type: 'ImageRolledBack',
      data: { fromVersion: 5, toVersion: 1 },
    });

    const victims = retentionVictims(state, 3, new Set([2]));

    expect(victims).toEqual([]);
  });
});

function imageEvents(count: number): NewEvent[] {
  const events: NewEvent[] = [];
  for (let n = 1; n <= count; n++) {
    events.push(
      ...decideAddVersion(foldImage(asStored(events)), bakedVersion(`b${n}`)).events,
    );
  }

  return events;
}
