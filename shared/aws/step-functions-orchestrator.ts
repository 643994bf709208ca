import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { StoppableOrchestrator } from '../ports/orchestrator.ts';

/** The error name a stopped build's execution records, beside the cause. */
export const buildCancelledError = 'BuildCancelled';

/** The Orchestrator port on a Step Functions Standard state machine. */
export class StepFunctionsOrchestrator implements StoppableOrchestrator {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    this.#client = client;
    this.#stateMachineArn = stateMachineArn;
  }

  /**
   * Starts the execution named after the build id. `ExecutionAlreadyExists`
   * (the name is taken, by an earlier attempt for the same build) counts as
   * started; a running execution with the same input is already success.
   */
  async startBuild(
    buildId: string,
    input: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    try {
      await this.#client.send(
        new StartExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          name: buildId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }

  /**
   * Stops the build's execution with StopExecution. Stopping an execution that
   * has ended changes nothing; one that does not exist is not an error either.
   */
  async stopBuild(buildId: string, cause: string): Promise<void> {
    try {
      await this.#client.send(
        new StopExecutionCommand({
          executionArn: executionArnOf(this.#stateMachineArn, buildId),
          error: buildCancelledError,
          cause: cause.slice(0, 32_000),
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return;
      throw error;
    }
  }
}

/** The ARN of the execution named after a build id. */
export function executionArnOf(stateMachineArn: string, buildId: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${buildId}`;
}

/** The Step Functions console page of a build's execution, for commit statuses. */
export function executionConsoleUrl(stateMachineArn: string, buildId: string): string {
  const region = stateMachineArn.split(':')[3] ?? 'us-east-1';
  const executionArn = executionArnOf(stateMachineArn, buildId);

  return (
    `https://${region}.console.aws.amazon.com/states/home?region=${region}` +
    `#/v2/executions/details/${encodeURIComponent(executionArn)}`
  );
}
