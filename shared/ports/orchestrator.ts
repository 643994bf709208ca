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
