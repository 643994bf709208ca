import {
  ExecutionAlreadyExists,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Orchestrator } from '../ports/orchestrator.ts';

/** The Orchestrator port on a Step Functions Standard state machine. */
export class StepFunctionsOrchestrator implements Orchestrator {
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
}

/** The Step Functions console page of a build's execution, for commit statuses. */
export function executionConsoleUrl(stateMachineArn: string, buildId: string): string {
  const region = stateMachineArn.split(':')[3] ?? 'us-east-1';
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${buildId}`;

  return (
    `https://${region}.console.aws.amazon.com/states/home?region=${region}` +
    `#/v2/executions/details/${encodeURIComponent(executionArn)}`
  );
}
