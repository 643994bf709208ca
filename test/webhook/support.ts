import { createHmac, randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { planCommit } from '../../shared/events/commit-plan.ts';
import type {
  Commit,
  CommitOutcome,
  StoredEvent,
  VersionedEventStore,
} from '../../shared/events/store.ts';
import type { IntakeDeps } from '../../shared/intake/accept-delivery.ts';
import type { DecisionLog, WebhookRequest } from '../../shared/intake/delivery.ts';
import { WebhookSecrets } from '../../shared/intake/webhook-secrets.ts';
import { RecordingOrchestrator } from '../support/recording-orchestrator.ts';

/** The webhook secret every intake test signs with. */
export const testSecret = 'bakehouse-test-secret';

/** A delivery signed with {@link testSecret}, headers lower-cased as Function URLs give them. */
export async function signedRequest(
  event: string,
  payload: unknown,
  deliveryId: string = randomUUID(),
): Promise<WebhookRequest> {
  const text = JSON.stringify(payload);

  return {
    headers: {
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': await sign(testSecret, text),
      'content-type': 'application/json',
    },
    body: Buffer.from(text),
  };
}

/**
 * A delivery whose exact bytes are `body`, signed with {@link testSecret} over
 * those bytes (the library signs strings only), for bodies that are not UTF-8.
 */
export function signedBytes(
  event: string,
  body: Uint8Array,
  deliveryId: string = randomUUID(),
): WebhookRequest {
  const hmac = createHmac('sha256', testSecret).update(body).digest('hex');

  return {
    headers: {
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${hmac}`,
      'content-type': 'application/json',
    },
    body,
  };
}

/**
 * An event store in memory, enough for intake's single-stream commits. It
 * checks each commit against DynamoDB's limits as the real store does.
 */
export class MemoryEventStore implements VersionedEventStore {
  readonly events: StoredEvent[] = [];
  readonly #results = new Map<string, Readonly<Record<string, unknown>>>();

  async commit(commit: Commit): Promise<CommitOutcome> {
    planCommit(commit, new Date().toISOString());
    const key = commit.idempotencyKey;
    const first = key === undefined ? undefined : this.#results.get(key);
    if (first) return { duplicate: true, result: first };

    for (const append of commit.appends) {
      append.events.forEach((event, index) => {
        this.events.push({
          ...event,
          streamId: append.streamId,
          version: append.expectedVersion + index + 1,
          schemaVersion: event.schemaVersion ?? 1,
          recordedAt: new Date().toISOString(),
        });
      });
    }
    if (key !== undefined) this.#results.set(key, commit.result ?? {});

    return { duplicate: false, result: commit.result };
  }

  async read(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    return this.events.filter((e) => e.streamId === streamId && e.version >= fromVersion);
  }

  async version(streamId: string): Promise<number> {
    return (await this.read(streamId)).length;
  }
}

/** A log that keeps its lines, to check what was (and was not) written. */
export class MemoryLog implements DecisionLog {
  readonly lines: { message: string; attributes: Readonly<Record<string, unknown>> }[] =
    [];

  info(message: string, attributes: Readonly<Record<string, unknown>>): void {
    this.lines.push({ message, attributes });
  }

  warn(message: string, attributes: Readonly<Record<string, unknown>>): void {
    this.lines.push({ message, attributes });
  }
}

/** Intake wired to in-memory parts, with the parts exposed for assertions. */
export function memoryIntake() {
  const store = new MemoryEventStore();
  const orchestrator = new RecordingOrchestrator();
  const log = new MemoryLog();
  const deps: IntakeDeps = {
    secrets: new WebhookSecrets({ load: async () => ({ current: testSecret }) }),
    store,
    orchestrator,
    log,
  };

  return { deps, store, orchestrator, log };
}
