/**
 * EventBridge EC2 state changes (stopping, stopped, shutting-down,
 * terminated) and spot interruption warnings -> failLostRunner: the
 * runner's waiting phase fails at once with RunnerLost.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeEvent } from 'aws-lambda';
import { lostInstanceStates } from '../shared/aws/ec2-runner-instances.ts';
import { type AwsPipeline, awsPipeline } from '../shared/aws/pipeline-deps.ts';
import { failLostRunner } from '../shared/pipeline/runner-lost.ts';

/** The detail of an EC2 state change or a spot interruption warning. */
interface InstanceDetail {
  readonly 'instance-id': string;
  readonly state?: string;
  readonly 'instance-action'?: string;
}

const gone: ReadonlySet<string> = new Set(lostInstanceStates);
const logger = new Logger();
let pipeline: AwsPipeline | undefined;

export async function handler(
  event: EventBridgeEvent<string, InstanceDetail>,
): Promise<void> {
  const state = event.detail.state ?? `interrupted (${event.detail['instance-action']})`;
  if (event.detail.state !== undefined && !gone.has(event.detail.state)) return;

  pipeline ??= awsPipeline(logger);
  await failLostRunner(event.detail['instance-id'], state, pipeline.deps);
}
