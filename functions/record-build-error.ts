/**
 * RecordBuildError, on AWS: the task the definition's Catch on FinishBuild
 * runs, and the target of the rule on failed and timed-out executions, for
 * the failures no Catch reaches (States.Runtime). Either way the build ends
 * as `error` with the cause (shared/pipeline/record-build-error.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { type AwsPipeline, awsPipeline } from '../shared/aws/pipeline-deps.ts';
import { recordBuildError } from '../shared/pipeline/record-build-error.ts';

/** The detail of a Step Functions execution status change. */
interface ExecutionDetail {
  /** The execution's name: the build id. */
  readonly name: string;
  readonly status: string;
  readonly error?: string | null;
  readonly cause?: string | null;
}

const logger = new Logger();
let pipeline: AwsPipeline | undefined;

export async function handler(event: unknown): Promise<{ recorded: boolean }> {
  pipeline ??= awsPipeline(logger);

  return recordBuildError(stateOf(event), pipeline.deps);
}

/** The task's state as it is, or the state an execution's failure event stands for. */
function stateOf(event: unknown): unknown {
  const changed = event as { source?: unknown; detail?: ExecutionDetail };
  if (changed.source !== 'aws.states' || !changed.detail) return event;
  const { name, status, error, cause } = changed.detail;

  return {
    buildId: name,
    finishFailure: {
      Error: error ?? `Execution${status}`,
      Cause: cause ?? `the execution of the build ended ${status}`,
    },
  };
}
