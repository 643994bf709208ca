/**
 * The orchestrator port: starts the state machine execution of a build.
 * Step Functions on AWS; the synthesized definition run in-process locally.
 */
export interface Orchestrator {
  /**
   * Starts the execution named after the build id. An execution of that
   * name that already exists counts as started.
   */
  startBuild(buildId: string, input: Readonly<Record<string, unknown>>): Promise<void>;
}

/**
 * An orchestrator that can also stop a build's execution, for an operator's
 * cancel. Intake only starts builds, so it keeps the narrower port.
 */
export interface StoppableOrchestrator extends Orchestrator {
  /**
   * Stops the execution named after the build id, with the cause recorded
   * on it. Stopping one that has ended, or was never started, is not an error.
   */
  stopBuild(buildId: string, cause: string): Promise<void>;
}
