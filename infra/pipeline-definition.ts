import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  closingPhaseStates,
  mainPhaseStates,
  type PhaseState,
  pipelineErrors,
  taskStateNames,
} from '../shared/pipeline/names.ts';
import { bakeAfterFinish } from './bake-states.ts';

/** The Lambdas the pipeline's task states invoke. */
export interface PipelineFunctions {
  readonly loadConfig: IFunction;
  readonly acquireJobSlot: IFunction;
  readonly resolveImage: IFunction;
  readonly launchRunner: IFunction;
  readonly runPhase: IFunction;
  readonly terminateRunner: IFunction;
  readonly finishJob: IFunction;
  readonly terminateBuildRunners: IFunction;
  readonly finishBuild: IFunction;
  readonly recordBuildError: IFunction;
  readonly decideBake: IFunction;
  readonly createImage: IFunction;
  readonly awaitImage: IFunction;
  readonly registerImage: IFunction;
  readonly applyRetention: IFunction;
  readonly recordBakeFailed: IFunction;
}

/** Timings of the pipeline's states. */
export interface PipelineTimings {
  /** The longest a phase may run before it fails with States.Timeout. */
  readonly phaseTimeout: Duration;
  /** The longest a non-phase task may take. */
  readonly taskTimeout: Duration;
  /** How long a job over a concurrency cap waits before asking again. */
  readonly jobSlotPoll: Duration;
  /** The longest a bake waits for its AMI to become available. */
  readonly bakeTimeout: Duration;
}

const allErrors = [sfn.Errors.ALL];

/**
 * Builds the build pipeline: LoadConfig, then a Map over the jobs (slot, image,
 * runner, one callback state per phase, terminate, finish), then FinishBuild.
 * The state carries ids only; every task reads the build stream itself.
 */
export function pipelineDefinition(
  scope: Construct,
  fns: PipelineFunctions,
  timings: PipelineTimings,
): sfn.IChainable {
  // Without a result path, the task's result replaces the state (LoadConfig).
  const task = (id: string, fn: IFunction, resultPath?: string): LambdaInvoke =>
    new LambdaInvoke(scope, id, {
      stateName: id,
      lambdaFunction: fn,
      payloadResponseOnly: true,
      ...(resultPath && { resultPath }),
      taskTimeout: sfn.Timeout.duration(timings.taskTimeout),
    });
  const names = taskStateNames;

  const finishBuild = task(names.finishBuild, fns.finishBuild, '$.build');
  const buildFinished = new sfn.Succeed(scope, 'BuildFinished');
  finishBuild.next(buildFinished);
  // Whatever fails FinishBuild, the build still ends, as `error` with the
  // cause; the execution fails too, for the failed-executions alarm. Where no
  // Catch reaches (States.Runtime), the execution's failure event ends it.
  const recordBuildError = task(
    names.recordBuildError,
    fns.recordBuildError,
    sfn.JsonPath.DISCARD,
  );
  recordBuildError.addRetry({ errors: allErrors, maxAttempts: 2 });
  finishBuild.addCatch(recordBuildError, {
    errors: allErrors,
    resultPath: '$.finishFailure',
  });
  recordBuildError.next(
    new sfn.Fail(scope, 'BuildEndedInError', {
      error: pipelineErrors.finishBuildFailed,
      cause:
        'FinishBuild failed; RecordBuildError ended the build as error, with the cause',
    }),
  );

  const terminateRunner = task(
    names.terminateRunner,
    fns.terminateRunner,
    sfn.JsonPath.DISCARD,
  );
  const finishJob = task(names.finishJob, fns.finishJob, '$.job');
  terminateRunner.addCatch(finishJob, {
    errors: allErrors,
    resultPath: '$.terminateFailure',
  });
  const matrixStopped = new sfn.Fail(scope, 'MatrixStopped', {
    error: pipelineErrors.matrixStopped,
    cause: 'A job failed and fast_finish stops the other jobs of the build',
  });
  terminateRunner
    .next(finishJob)
    .next(
      new sfn.Choice(scope, 'FastFinish')
        .when(sfn.Condition.booleanEquals('$.job.stopMatrix', true), matrixStopped)
        .otherwise(new sfn.Succeed(scope, 'JobDone')),
    );

  const phase = (p: PhaseState): LambdaInvoke => {
    const state = new LambdaInvoke(scope, p.state, {
      stateName: p.state,
      lambdaFunction: fns.runPhase,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        buildId: sfn.JsonPath.stringAt('$.buildId'),
        jobId: sfn.JsonPath.stringAt('$.jobId'),
        runnerId: sfn.JsonPath.stringAt('$.runner.runnerId'),
        phase: p.phase,
        taskToken: sfn.JsonPath.taskToken,
      }),
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: sfn.Timeout.duration(timings.phaseTimeout),
    });
    state.addRetry({
      errors: [pipelineErrors.runnerNotReady],
      interval: Duration.seconds(10),
      backoffRate: 1.5,
      maxDelay: Duration.seconds(60),
      maxAttempts: 12,
    });

    return state;
  };

  const onFinish = phase(closingPhaseStates.onFinish);
  onFinish.addCatch(terminateRunner, {
    errors: allErrors,
    resultPath: '$.finalizeFailure',
  });
  onFinish.next(
    bakeAfterFinish(scope, task, terminateRunner, {
      createImage: fns.createImage,
      awaitImage: fns.awaitImage,
      registerImage: fns.registerImage,
      applyRetention: fns.applyRetention,
      recordBakeFailed: fns.recordBakeFailed,
      bakeTimeout: timings.bakeTimeout,
    }),
  );

  const onFailure = phase(closingPhaseStates.onFailure);
  onFailure.addCatch(terminateRunner, {
    errors: allErrors,
    resultPath: '$.finalizeFailure',
  });
  onFailure.next(onFinish);

  // A baking job runs on_image_bake (which removes the clone folder) before
  // on_finish; a failure there fails the bake, and on_finish still runs.
  const decideBake = task(names.decideBake, fns.decideBake, '$.bake');
  decideBake.addCatch(onFinish, { errors: allErrors, resultPath: '$.bakeFailure' });
  const onImageBake = phase(closingPhaseStates.onImageBake);
  onImageBake.addCatch(onFinish, { errors: allErrors, resultPath: '$.bakeFailure' });
  onImageBake.next(onFinish);
  decideBake.next(
    new sfn.Choice(scope, 'BakeRequested')
      .when(sfn.Condition.booleanEquals('$.bake.bake', true), onImageBake)
      .otherwise(onFinish),
  );

  const onSuccess = phase(closingPhaseStates.onSuccess);
  onSuccess.addCatch(onFinish, {
    errors: [pipelineErrors.phaseFailed],
    resultPath: '$.failure',
  });
  onSuccess.addCatch(terminateRunner, { errors: allErrors, resultPath: '$.failure' });
  onSuccess.next(decideBake);

  const mainPhases = mainPhaseStates.map((p) => {
    const state = phase(p);
    state.addCatch(onFailure, {
      errors: [pipelineErrors.phaseFailed],
      resultPath: '$.failure',
    });
    state.addCatch(onSuccess, {
      errors: [pipelineErrors.jobEndedEarly],
      resultPath: '$.earlyEnd',
    });
    state.addCatch(terminateRunner, { errors: allErrors, resultPath: '$.failure' });

    return state;
  });
  const [firstPhase, ...laterPhases] = mainPhases;
  if (!firstPhase) throw new Error('The pipeline has no main phase');
  let tail: LambdaInvoke = firstPhase;
  for (const state of laterPhases) {
    tail.next(state);
    tail = state;
  }
  tail.next(onSuccess);

  const launchRunner = task(names.launchRunner, fns.launchRunner, '$.runner');
  launchRunner.addCatch(terminateRunner, { errors: allErrors, resultPath: '$.failure' });
  launchRunner.next(firstPhase);

  const resolveImage = task(names.resolveImage, fns.resolveImage, '$.image');
  resolveImage.addCatch(terminateRunner, { errors: allErrors, resultPath: '$.failure' });
  resolveImage.next(launchRunner);

  const acquireJobSlot = task(names.acquireJobSlot, fns.acquireJobSlot, '$.slot');
  // A cap no job can pass, or a broken plan, fails the job with its reason.
  acquireJobSlot.addCatch(terminateRunner, {
    errors: allErrors,
    resultPath: '$.failure',
  });
  const waitForJobSlot = new sfn.Wait(scope, 'WaitForJobSlot', {
    time: sfn.WaitTime.duration(timings.jobSlotPoll),
  });
  waitForJobSlot.next(acquireJobSlot);
  acquireJobSlot.next(
    new sfn.Choice(scope, 'JobSlotFree')
      .when(sfn.Condition.booleanEquals('$.slot.acquired', true), resolveImage)
      .otherwise(waitForJobSlot),
  );

  const runJobs = new sfn.Map(scope, 'RunJobs', {
    itemsPath: '$.jobs',
    maxConcurrency: 40,
    resultPath: sfn.JsonPath.DISCARD,
  });
  runJobs.itemProcessor(acquireJobSlot);
  const terminateBuildRunners = task(
    names.terminateBuildRunners,
    fns.terminateBuildRunners,
    sfn.JsonPath.DISCARD,
  );
  terminateBuildRunners.addCatch(finishBuild, {
    errors: allErrors,
    resultPath: '$.cleanupFailure',
  });
  runJobs.addCatch(terminateBuildRunners, {
    errors: allErrors,
    resultPath: '$.matrixFailure',
  });
  terminateBuildRunners.next(finishBuild);
  runJobs.next(finishBuild);

  // A config that cannot be fetched (GitHub, the token's secret) still ends the
  // build, as `error` with the reason, so its commit status does not stay pending.
  const loadConfig = task(names.loadConfig, fns.loadConfig);
  loadConfig.addCatch(finishBuild, { errors: allErrors, resultPath: '$.configFailure' });
  return loadConfig.next(
    new sfn.Choice(scope, 'BuildRuns')
      .when(sfn.Condition.stringEquals('$.outcome', 'run'), runJobs)
      .otherwise(finishBuild),
  );
}
