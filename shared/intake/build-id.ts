import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/**
 * A new build id: a ULID, so ids sort by the time the webhook arrived, even
 * within one millisecond, and are valid Step Functions execution names.
 */
export function newBuildId(): string {
  return nextUlid();
}
