/**
 * Group commit: the commits that wait while a transaction is in flight are
 * written together, in one transaction, as soon as a place is free. A
 * process that takes many requests at once (the embedded backend's webhook
 * intake) then writes far more commits a second on a store that runs
 * transactions one at a time (DynamoDB Local); a lone commit still goes at
 * once, so a quiet process waits for nothing.
 *
 * A group never holds two commits that touch one stream or one idempotency
 * key, and stays within a transaction's items and bytes. A group that fails
 * wrote nothing: each of its commits is then written on its own, so each
 * gets its own answer (a duplicate, a version conflict) as if never grouped.
 */
import {
  maxTransactionBytes,
  maxTransactionItems,
  type PlannedCommit,
} from './commit-plan.ts';

/** One commit waiting for its group. */
interface Waiting<T> {
  readonly plan: PlannedCommit;
  readonly keys: readonly string[];
  readonly write: () => Promise<T>;
  readonly answer: T;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/** How groups are written. */
export interface CommitGroupsOptions {
  /** Writes several plans in one transaction; throws when it wrote nothing. */
  readonly writeGroup: (plans: readonly PlannedCommit[]) => Promise<void>;
  /** Transactions in flight at once; 2 by default. */
  readonly inFlight?: number;
}

/** Queues commits and writes them in groups; see the module's comment. */
export class CommitGroups<T> {
  readonly #options: CommitGroupsOptions;
  readonly #queue: Waiting<T>[] = [];
  #running = 0;

  constructor(options: CommitGroupsOptions) {
    this.#options = options;
  }

  /**
   * Writes a plan, in a group when others wait with it, answering `answer`
   * once its group is written; `write` writes it alone, which a lone commit
   * and each commit of a failed group use.
   */
  submit(plan: PlannedCommit, write: () => Promise<T>, answer: T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ plan, keys: keysOf(plan), write, answer, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    const limit = this.#options.inFlight ?? 2;
    while (this.#running < limit && this.#queue.length > 0) {
      const group = this.#take();
      this.#running += 1;
      void this.#run(group).finally(() => {
        this.#running -= 1;
        this.#pump();
      });
    }
  }

  /** The first waiting commit and those after it that fit beside it, in order. */
  #take(): Waiting<T>[] {
    const group: Waiting<T>[] = [];
    const keys = new Set<string>();
    let items = 0;
    let bytes = 0;
    for (let i = 0; i < this.#queue.length; ) {
      const next = this.#queue[i] as Waiting<T>;
      const fits =
        items + next.plan.size.items <= maxTransactionItems &&
        bytes + next.plan.size.bytes <= maxTransactionBytes &&
        next.keys.every((key) => !keys.has(key));
      if (!fits) {
        i += 1;
        continue;
      }
      this.#queue.splice(i, 1);
      group.push(next);
      for (const key of next.keys) keys.add(key);
      items += next.plan.size.items;
      bytes += next.plan.size.bytes;
    }

    return group;
  }

  async #run(group: readonly Waiting<T>[]): Promise<void> {
    if (group.length > 1) {
      try {
        await this.#options.writeGroup(group.map((w) => w.plan));
        for (const waiting of group) waiting.resolve(waiting.answer);
        return;
      } catch {
        // Nothing was written: each commit goes on its own, for its own answer.
      }
    }
    await Promise.all(
      group.map((waiting) => waiting.write().then(waiting.resolve, waiting.reject)),
    );
  }
}

/** The streams and the idempotency key a plan touches. */
function keysOf(plan: PlannedCommit): string[] {
  const streams = [...plan.events, ...plan.checks].map((e) => `stream ${e.streamId}`);

  return [
    ...new Set(streams),
    ...(plan.idempotency ? [`idempotency ${plan.idempotency.key}`] : []),
  ];
}
