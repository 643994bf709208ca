import type { TaskCallbacks } from '../shared/ports/runner-fleet.ts';

/** The failure a callback sends: its name is the error code the state machine sees. */
export class TaskCallbackFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** Error raised for a callback whose task is not waiting (AWS says TaskDoesNotExist). */
export class TaskDoesNotExistError extends Error {
  override readonly name = 'TaskDoesNotExist';
}

interface Waiter {
  readonly resolve: (output: Readonly<Record<string, unknown>>) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The local task callbacks: a waiting state registers its local token
 * (`<buildId>/<jobId>/<phase>`) and receives a promise; `succeed` resolves it
 * and `fail` rejects it, as SendTaskSuccess and SendTaskFailure end a waiting
 * task on AWS.
 */
export class LocalTaskCallbacks implements TaskCallbacks {
  private readonly waiters = new Map<string, Waiter>();

  /** Registers a waiting task; the promise settles when its callback arrives. */
  expect(token: string): Promise<Readonly<Record<string, unknown>>> {
    const settled = new Promise<Readonly<Record<string, unknown>>>((resolve, reject) => {
      this.waiters.set(token, { resolve, reject });
    });
    settled.catch(() => undefined);

    return settled;
  }

  /** Forgets a waiting task whose state failed before its callback could come. */
  forget(token: string): void {
    this.waiters.delete(token);
  }

  /** The tokens still waiting for their callback. */
  waitingTokens(): string[] {
    return [...this.waiters.keys()];
  }

  async succeed(token: string, output: Readonly<Record<string, unknown>>): Promise<void> {
    this.take(token).resolve(output);
  }

  async fail(token: string, error: string, cause: string): Promise<void> {
    this.take(token).reject(new TaskCallbackFailure(error, cause));
  }

  private take(token: string): Waiter {
    const waiter = this.waiters.get(token);
    if (!waiter)
      throw new TaskDoesNotExistError(`No task waits on the local token ${token}.`);
    this.waiters.delete(token);

    return waiter;
  }
}
