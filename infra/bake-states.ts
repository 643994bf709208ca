import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { taskStateNames } from '../shared/pipeline/names.ts';

/** Builds one Lambda task state; without a result path the result replaces the state. */
export type TaskFactory = (
  id: string,
  fn: IFunction,
  resultPath?: string,
) => LambdaInvoke;

/** The bake's Lambdas and its timeout. */
export interface BakeStates {
  readonly createImage: IFunction;
  readonly awaitImage: IFunction;
  readonly registerImage: IFunction;
  readonly applyRetention: IFunction;
  readonly recordBakeFailed: IFunction;
  /** The longest the bake waits for its AMI to become available. */
  readonly bakeTimeout: Duration;
}

/** The Retry of AwaitImage, in Step Functions' terms. */
export interface ImageRetry {
  readonly interval: Duration;
  readonly backoffRate: number;
  readonly maxDelay: Duration;
  readonly maxAttempts: number;
}

const allErrors = [sfn.Errors.ALL];

/** The error AwaitImage throws while the image is still being created. */
const imagePending = 'ImagePendingError';

/**
 * The Retry that does AwaitImage's waiting: a first look again after 30 s,
 * then less and less often up to every 2 minutes, as many times as it takes
 * for the pauses to add up to the bake timeout. Each invocation looks once.
 */
export function imageRetry(bakeTimeout: Duration): ImageRetry {
  const interval = 30;
  const backoffRate = 1.5;
  const maxDelay = 120;
  let waited = 0;
  let maxAttempts = 0;
  while (waited < bakeTimeout.toSeconds()) {
    waited += Math.min(interval * backoffRate ** maxAttempts, maxDelay);
    maxAttempts++;
  }

  return {
    interval: Duration.seconds(interval),
    backoffRate,
    maxDelay: Duration.seconds(maxDelay),
    maxAttempts,
  };
}

/**
 * After on_finish: a job that decided to bake creates its image, waits until
 * it is available (the state's own Retry, bounded by the bake timeout),
 * registers it as the name's next version and applies retention, whose
 * failure changes nothing; any other failure records BakeFailed, which
 * leaves the current version current. The runner ends after either.
 */
export function bakeAfterFinish(
  scope: Construct,
  task: TaskFactory,
  terminateRunner: sfn.IChainable,
  bake: BakeStates,
): sfn.IChainable {
  const names = taskStateNames;
  const recordBakeFailed = task(
    names.recordBakeFailed,
    bake.recordBakeFailed,
    sfn.JsonPath.DISCARD,
  );
  recordBakeFailed.addCatch(terminateRunner, {
    errors: allErrors,
    resultPath: '$.bakeCleanupFailure',
  });
  recordBakeFailed.next(terminateRunner);
  const toFailure = { errors: allErrors, resultPath: '$.bakeFailure' };

  const createImage = task(names.createImage, bake.createImage, '$.bakedImage');
  const awaitImage = task(names.awaitImage, bake.awaitImage, '$.bakedImage');
  awaitImage.addRetry({ errors: [imagePending], ...imageRetry(bake.bakeTimeout) });
  const registerImage = task(
    names.registerImage,
    bake.registerImage,
    '$.registeredImage',
  );
  // Every step of the registration is idempotent: a transient error is retried.
  registerImage.addRetry({
    errors: allErrors,
    interval: Duration.seconds(5),
    backoffRate: 2,
    maxAttempts: 2,
  });
  for (const state of [createImage, awaitImage, registerImage]) {
    state.addCatch(recordBakeFailed, toFailure);
  }
  const applyRetention = task(
    names.applyRetention,
    bake.applyRetention,
    sfn.JsonPath.DISCARD,
  );
  applyRetention.addCatch(terminateRunner, {
    errors: allErrors,
    resultPath: '$.retentionFailure',
  });
  createImage
    .next(awaitImage)
    .next(registerImage)
    .next(applyRetention)
    .next(terminateRunner);

  return new sfn.Choice(scope, 'BakeImage')
    .when(sfn.Condition.isPresent('$.bakeFailure'), recordBakeFailed)
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.bake.bake'),
        sfn.Condition.booleanEquals('$.bake.bake', true),
      ),
      createImage,
    )
    .otherwise(terminateRunner);
}
