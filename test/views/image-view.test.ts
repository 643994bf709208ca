import { describe, expect, it } from 'vitest';
import {
  type EventType,
  newEvent,
  type TypedNewEvent,
} from '../../shared/events/catalogue.ts';
import type { ImageView } from '../../shared/views/image-view.ts';
import { projectionFor, viewItemsOf } from '../../shared/views/projections.ts';
import { folded } from './support.ts';

const streamId = 'image-tools';

function added(version: number) {
  return newEvent('ImageVersionAdded', {
    name: 'Tools',
    version,
    ref: `ami-${version}`,
    platform: 'linux',
    buildId: `01JBUILD${version}`,
    jobId: '1',
    commit: 'c'.repeat(40),
    repository: 'acme/widget',
    parent: { name: 'Ubuntu2204', ref: 'ubuntu-22.04' },
  });
}

/** The image's view and its item in the images list. */
function fold(events: TypedNewEvent<EventType>[]) {
  const projection = projectionFor(streamId);
  const view = folded<ImageView>(streamId, events);
  if (!projection) throw new Error('image streams have a projection');

  return {
    view,
    listed: viewItemsOf(projection, streamId, view, events.length).owned[0],
  };
}

describe('the image view after a forced delete of the current version', () => {
  it('shows no current version when no other version is left', () => {
    const { view, listed } = fold([
      added(1),
      newEvent('ImageVersionMadeCurrent', { version: 1 }),
      newEvent('ImageVersionDeleted', { version: 1, reason: 'operator' }),
    ]);

    expect(view.currentVersion).toBeUndefined();
    expect(view.versions).toMatchObject([{ version: 1, status: 'deleted' }]);
    expect(listed).toMatchObject({
      currentVersion: undefined,
      currentRef: undefined,
      versionCount: 0,
    });
  });

  it('shows the successor the rollback names as current', () => {
    const { view, listed } = fold([
      added(1),
      newEvent('ImageVersionMadeCurrent', { version: 1 }),
      added(2),
      newEvent('ImageVersionMadeCurrent', { version: 2 }),
      newEvent('ImageVersionDeleted', { version: 2, reason: 'operator' }),
      newEvent('ImageRolledBack', { fromVersion: 2, toVersion: 1, reason: 'operator' }),
    ]);

    expect(view.currentVersion).toBe(1);
    expect(listed).toMatchObject({
      currentVersion: 1,
      currentRef: 'ami-1',
      versionCount: 1,
    });
  });
});
