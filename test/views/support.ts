import {
  type EventType,
  newEvent,
  type TypedNewEvent,
} from '../../shared/events/catalogue.ts';
import type { StoredEvent } from '../../shared/events/store.ts';
import { foldStream, projectionFor } from '../../shared/views/projections.ts';

/** The events as a stream holds them: versions from 1, a second apart. */
export function stored(
  streamId: string,
  events: TypedNewEvent<EventType>[],
): StoredEvent[] {
  return events.map((event, index) => ({
    ...event,
    streamId,
    version: index + 1,
    recordedAt: new Date(Date.UTC(2026, 11, 3, 10) + index * 1000).toISOString(),
  }));
}

/** The state the stream's projection folds from the events. */
export function folded<S>(streamId: string, events: TypedNewEvent<EventType>[]): S {
  const projection = projectionFor(streamId);
  const state = projection && foldStream(projection, undefined, stored(streamId, events));
  if (!state) throw new Error(`stream ${streamId} folds into no view`);

  return state as S;
}

/** The request of build 01JBUILD, a push of acme/widget to main. */
export const requested = newEvent('BuildRequested', {
  buildId: '01JBUILD',
  repository: 'acme/widget',
  sha: 'a'.repeat(40),
  ref: 'refs/heads/main',
  branch: 'main',
  commit: { message: 'Ship it', author: { name: 'Ada', email: 'ada@example.com' } },
  deliveryId: 'delivery-1',
  requestedAt: '2026-12-03T10:00:00.000Z',
});
