/**
 * The scheduled reaper: terminates this installation's runners past their
 * expiry and records RunnerTerminated; a failed termination waits for the
 * next pass.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Ec2RunnerReaper } from '../shared/aws/ec2-runner-reaper.ts';
import { type AwsPipeline, awsPipeline } from '../shared/aws/pipeline-deps.ts';
import { type ReapReport, reapRunners } from '../shared/pipeline/reap-runners.ts';

const logger = new Logger();
let pipeline: AwsPipeline | undefined;

export async function handler(): Promise<ReapReport> {
  pipeline ??= awsPipeline(logger);
  const { deps, env, ec2 } = pipeline;
  const reaper = new Ec2RunnerReaper(ec2, env.installation);

  return reapRunners({ ...deps, reaper });
}
