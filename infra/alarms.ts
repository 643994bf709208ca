import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** What the alarms watch. */
export interface BakehouseAlarmsProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  /** The reaper's logs: each runner it terminates past expiry is a line there. */
  readonly reaperLogs: logs.ILogGroup;
}

/**
 * The operator's alarms: failed build executions, projector records in the
 * dead-letter queue, and runners the reaper found past their expiry (each one
 * a runner the pipeline failed to end).
 */
export class BakehouseAlarms extends Construct {
  readonly failedExecutions: cloudwatch.Alarm;
  readonly projectorDeadLetters: cloudwatch.Alarm;
  readonly runnersPastExpiry: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BakehouseAlarmsProps) {
    super(scope, id);
    const atLeastOne = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator:
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    this.failedExecutions = props.stateMachine
      .metricFailed({ period: Duration.minutes(5) })
      .createAlarm(this, 'FailedExecutions', {
        ...atLeastOne,
        alarmDescription:
          'A build execution failed: open it in the Step Functions console',
      });
    this.projectorDeadLetters = props.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) })
      .createAlarm(this, 'ProjectorDeadLetters', {
        ...atLeastOne,
        alarmDescription: 'Event records the projector could not apply wait in its DLQ',
      });
    const reaped = new logs.MetricFilter(this, 'ReapedRunners', {
      logGroup: props.reaperLogs,
      metricNamespace: 'Bakehouse',
      metricName: 'RunnersPastExpiry',
      filterPattern: logs.FilterPattern.stringValue(
        '$.message',
        '=',
        'expired runner terminated',
      ),
      metricValue: '1',
    });
    this.runnersPastExpiry = reaped
      .metric({ period: Duration.minutes(15), statistic: 'Sum' })
      .createAlarm(this, 'RunnersPastExpiry', {
        ...atLeastOne,
        alarmDescription: 'The reaper terminated runners past their expiry',
      });
  }
}
