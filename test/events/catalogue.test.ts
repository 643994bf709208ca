import { describe, expect, it } from 'vitest';
import {
  buildStream,
  imageStream,
  isEvent,
  newEvent,
  projectStream,
  readEvent,
  schemaVersions,
  streamKindOf,
  streamSubject,
  UnknownStreamKindError,
} from '../../shared/events/catalogue.ts';
import type { StoredEvent } from '../../shared/events/store.ts';

const stored = (type: string, schemaVersion = 1): StoredEvent => ({
  streamId: 'build-1',
  version: 1,
  type,
  schemaVersion,
  data: { reason: 'x' },
  recordedAt: '2026-12-03T10:00:00.000Z',
});

describe('the event catalogue', () => {
  it('stamps a new event with its current schema version', () => {
    const event = newEvent('BuildSkipped', { reason: '[skip ci]' });

    expect(event).toEqual({
      type: 'BuildSkipped',
      schemaVersion: schemaVersions.BuildSkipped,
      data: { reason: '[skip ci]' },
    });
  });

  it('rejects a misspelt type at compile time', () => {
    // @ts-expect-error: 'BuildSkiped' is not in the catalogue.
    const build = () => newEvent('BuildSkiped', { reason: 'x' });

    expect(build).toBeTypeOf('function');
  });

  it('reads known events and skips unknown types and newer schemas', () => {
    expect(readEvent(stored('BuildSkipped'))?.type).toBe('BuildSkipped');
    expect(readEvent(stored('BuildExploded'))).toBeUndefined();
    expect(readEvent(stored('BuildSkipped', 2))).toBeUndefined();
  });

  it('guards an event by type', () => {
    expect(isEvent(stored('BuildSkipped'), 'BuildSkipped')).toBe(true);
    expect(isEvent(stored('BuildSkipped'), 'BuildFinished')).toBe(false);
    expect(isEvent(stored('BuildSkipped', 7), 'BuildSkipped')).toBe(false);
  });
});

describe('stream ids', () => {
  it('names build, image and project streams, lower-casing names', () => {
    expect(buildStream('01J')).toBe('build-01J');
    expect(imageStream('My-Tools')).toBe('image-my-tools');
    expect(projectStream('Acme/App')).toBe('project-acme/app');
  });

  it('tells the kind and subject of a stream id', () => {
    expect(streamKindOf('image-my-tools')).toBe('image');
    expect(streamSubject('project-acme/app')).toBe('acme/app');
    expect(() => streamKindOf('idempotency#x')).toThrow(UnknownStreamKindError);
  });
});
