import type { NewEvent, StoredEvent } from '../../shared/events/store.ts';
import type { NewImageVersion } from '../../shared/images/registry-decisions.ts';

/** Numbers new events as a stream would store them, after `from` events. */
export function asStored(events: readonly NewEvent[], from = 0): StoredEvent[] {
  return events.map((event, index) => ({
    ...event,
    streamId: 'image-test',
    version: from + index + 1,
    schemaVersion: event.schemaVersion ?? 1,
    recordedAt: new Date(Date.UTC(2026, 0, 1, 0, from + index)).toISOString(),
  }));
}

/** A baked version as a bake task would register it. */
export function bakedVersion(
  buildId: string,
  overrides: Partial<NewImageVersion> = {},
): NewImageVersion {
  return {
    name: 'Tools-Image',
    ref: `ami-${buildId}`,
    platform: 'linux',
    buildId,
    jobId: '1',
    commit: `sha-${buildId}`,
    repository: 'acme/tools',
    parent: { name: 'Ubuntu2204', ref: 'ami-base' },
    ...overrides,
  };
}
