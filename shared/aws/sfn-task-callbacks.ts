import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { TaskCallbacks } from '../ports/runner-fleet.ts';

/** Step Functions' limit on a task failure's cause. */
const maxCause = 32_768;

/** Answers that mean the waiting state has already ended (timed out, or answered). */
const endedAlready = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/**
 * The task callbacks on Step Functions: SendTaskSuccess and SendTaskFailure.
 * A token whose state already ended is not an error: a late or repeated
 * answer changes nothing.
 */
export class StepFunctionsTaskCallbacks implements TaskCallbacks {
  constructor(private readonly client: SFNClient) {}

  async succeed(token: string, output: Readonly<Record<string, unknown>>): Promise<void> {
    await this.#send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }),
    );
  }

  async fail(token: string, error: string, cause: string): Promise<void> {
    await this.#send(
      new SendTaskFailureCommand({
        taskToken: token,
        error: error.slice(0, 256),
        cause: cause.slice(0, maxCause),
      }),
    );
  }

  async #send(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<void> {
    try {
      await this.client.send(command as SendTaskSuccessCommand);
    } catch (error) {
      if (!endedAlready.has((error as Error).name)) throw error;
    }
  }
}
