/**
 * EventBridge "EC2 Command Invocation Status-change Notification" -> the
 * phase's report from CloudWatch Logs -> completePhase (PhaseFinished and
 * the task callback). Only the command RunPhase sent ends a phase: commands
 * of no waiting phase, and other commands on a runner, are ignored.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeEvent } from 'aws-lambda';
import { type AwsPipeline, awsPipeline } from '../shared/aws/pipeline-deps.ts';
import {
  type CommandInvocationDetail,
  phaseResultOf,
  readPhaseReport,
  waitingPhaseOf,
} from '../shared/aws/ssm-phase-result.ts';
import { completePhase } from '../shared/pipeline/complete-phase.ts';

const logger = new Logger();
let pipeline: AwsPipeline | undefined;

export async function handler(
  event: EventBridgeEvent<string, CommandInvocationDetail>,
): Promise<void> {
  pipeline ??= awsPipeline(logger);
  const { deps, env, logs } = pipeline;
  const detail = event.detail;
  const waiting = await waitingPhaseOf(detail, deps.waiting);
  if (!waiting) {
    logger.info('command of no waiting phase', {
      runnerId: detail['instance-id'],
      commandId: detail['command-id'],
    });
    return;
  }
  logger.appendKeys({ buildId: waiting.buildId, jobId: waiting.jobId });

  const report = await readPhaseReport(detail, {
    logs,
    logGroupName: env.runnerLogGroup,
  });
  const result = phaseResultOf(
    detail,
    waiting,
    report,
    new Date(event.time),
    env.runnerLogGroup,
  );
  await completePhase(result, deps);
}
