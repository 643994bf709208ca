import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { lostInstanceStates } from '../shared/aws/ec2-runner-instances.ts';
import type { PipelineFunctionSet } from './pipeline-functions.ts';

/** The Lambdas the rules invoke. */
export interface BakehouseRulesProps {
  readonly functions: PipelineFunctionSet;
  /** The build state machine, whose failed executions end their builds. */
  readonly stateMachineArn: string;
}

/**
 * The EventBridge rules: SSM command results bring phases back (callback,
 * never polling), EC2 state changes and spot interruption warnings fail the
 * phase of a runner that disappears, a failed or timed-out execution ends
 * its build as `error`, and a schedule runs the reaper.
 */
export class BakehouseRules extends Construct {
  constructor(scope: Construct, id: string, props: BakehouseRulesProps) {
    super(scope, id);
    const { functions } = props;
    new events.Rule(this, 'PhaseCompleted', {
      description: 'Bakehouse: a phase command ended on a runner',
      eventPattern: {
        source: ['aws.ssm'],
        detailType: ['EC2 Command Invocation Status-change Notification'],
        detail: {
          status: ['Success', 'Failed', 'TimedOut', 'Cancelled'],
          'document-name': ['AWS-RunShellScript', 'AWS-RunPowerShellScript'],
        },
      },
      targets: [
        new targets.LambdaFunction(functions.phaseCompleted, { retryAttempts: 8 }),
      ],
    });
    // Only the states that mean a runner is gone: every instance of the account
    // sends its state changes, and a rule cannot match on tags, so the handler
    // still checks that the instance is a runner with a waiting phase.
    new events.Rule(this, 'RunnerLost', {
      description: 'Bakehouse: an instance is stopping, stopped or terminated',
      eventPattern: {
        source: ['aws.ec2'],
        detailType: ['EC2 Instance State-change Notification'],
        detail: { state: [...lostInstanceStates] },
      },
      targets: [new targets.LambdaFunction(functions.runnerLost, { retryAttempts: 8 })],
    });
    new events.Rule(this, 'RunnerInterrupted', {
      description: 'Bakehouse: a spot instance is about to be interrupted',
      eventPattern: {
        source: ['aws.ec2'],
        detailType: ['EC2 Spot Instance Interruption Warning'],
      },
      targets: [new targets.LambdaFunction(functions.runnerLost, { retryAttempts: 8 })],
    });
    // ABORTED is left out: a cancel stops the execution and records its own end.
    new events.Rule(this, 'ExecutionFailed', {
      description: 'Bakehouse: a build execution failed or timed out',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT'],
          stateMachineArn: [props.stateMachineArn],
        },
      },
      targets: [
        new targets.LambdaFunction(functions.tasks.recordBuildError, {
          retryAttempts: 8,
        }),
      ],
    });
    new events.Rule(this, 'Reaper', {
      description: 'Bakehouse: terminate runners past their expiry',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(functions.reaper)],
    });
  }
}
