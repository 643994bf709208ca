/**
 * The catalogue of Bakehouse events: every event type, the schema version its
 * payload has today, typed constructors for writers and tolerant readers.
 */
import type { BuildEventData } from './catalogue/build-events.ts';
import type { ImageEventData, ProjectEventData } from './catalogue/image-events.ts';
import type { NewEvent, StoredEvent } from './store.ts';

export type * from './catalogue/build-events.ts';
export type * from './catalogue/image-events.ts';
export * from './catalogue/streams.ts';

/** Every event's payload, by event type. */
export interface EventDataMap extends BuildEventData, ImageEventData, ProjectEventData {}

/** The name of an event in the catalogue. */
export type EventType = keyof EventDataMap;

/**
 * The schema version each event type is written with today. A reader knows
 * every version up to this one; bump it when a payload changes shape.
 */
export const schemaVersions: Readonly<Record<EventType, number>> = {
  BuildRequested: 1,
  ConfigLoaded: 1,
  ConfigRejected: 1,
  BuildSkipped: 1,
  BuildStarted: 1,
  JobQueued: 1,
  RunnerLaunched: 1,
  PhaseStarted: 1,
  PhaseFinished: 1,
  VariableSet: 1,
  MessageAdded: 1,
  ArtifactPushed: 1,
  BakeStarted: 1,
  ImageBaked: 1,
  BakeFailed: 1,
  RunnerTerminated: 1,
  JobFinished: 1,
  BuildFinished: 1,
  ImageVersionAdded: 1,
  ImageVersionMadeCurrent: 1,
  ImageRolledBack: 1,
  ImageVersionDeprecated: 1,
  ImageVersionDeleted: 1,
  BuildNumberAllocated: 1,
};

/** A new event of a catalogued type, ready to append. */
export interface TypedNewEvent<T extends EventType> extends NewEvent {
  readonly type: T;
  readonly schemaVersion: number;
  readonly data: EventDataMap[T];
}

/** A stored event whose type and schema version this code knows. */
export type KnownEvent = {
  [T in EventType]: StoredEvent & { readonly type: T; readonly data: EventDataMap[T] };
}[EventType];

/** The known stored event of one type. */
export type KnownEventOf<T extends EventType> = Extract<KnownEvent, { type: T }>;

/** Builds an event of the catalogue; the type name is checked at compile time. */
export function newEvent<T extends EventType>(
  type: T,
  data: EventDataMap[T],
): TypedNewEvent<T> {
  return { type, schemaVersion: schemaVersions[type], data };
}

/** True when `type` names an event of the catalogue. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(schemaVersions, type);
}

/**
 * Returns the event typed when this code knows its type and schema version,
 * and undefined otherwise: an unknown type or a newer schema is skipped by
 * readers, while the stored event itself stays untouched.
 */
export function readEvent(event: StoredEvent): KnownEvent | undefined {
  if (!isEventType(event.type)) return undefined;
  if (event.schemaVersion > schemaVersions[event.type]) return undefined;

  return event as KnownEvent;
}

/** True when the stored event is a known event of the given type. */
export function isEvent<T extends EventType>(
  event: StoredEvent,
  type: T,
): event is KnownEventOf<T> {
  return event.type === type && readEvent(event) !== undefined;
}
