import {
  DescribeInstancesCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { runnerTags } from './ec2-runner-tags.ts';

/** An instance of this installation's runners, as its tags describe it. */
export interface RunnerInstance {
  readonly runnerId: string;
  readonly buildId: string;
  readonly jobId: string;
  /** The expiry tag; absent when the runner has none. */
  readonly expiresAt?: string;
}

/** The instance states of a runner not yet ending: what may still run a build. */
export const aliveStates = ['pending', 'running', 'stopping', 'stopped'];

/**
 * The instance states in which a runner can no longer run a phase: EC2's
 * state-change events for these fail the phase (RunnerLost).
 */
export const lostInstanceStates = ['shutting-down', 'terminated', 'stopping', 'stopped'];

/**
 * Lists this installation's runners that are not yet terminated, by their
 * tags, with more filters when given (a build's, a job's); every page.
 */
export async function describeRunners(
  ec2: EC2Client,
  installation: string,
  filters: readonly Filter[] = [],
): Promise<RunnerInstance[]> {
  const runners: RunnerInstance[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${runnerTags.installation}`, Values: [installation] },
          { Name: 'instance-state-name', Values: aliveStates },
          ...filters,
        ],
        ...(NextToken && { NextToken }),
      }),
    );
    for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      if (!instance.InstanceId) continue;
      const tag = (key: string) => instance.Tags?.find((t) => t.Key === key)?.Value;
      const expiresAt = tag(runnerTags.expiresAt);
      runners.push({
        runnerId: instance.InstanceId,
        buildId: tag(runnerTags.build) ?? '',
        jobId: tag(runnerTags.job) ?? '',
        ...(expiresAt && { expiresAt }),
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);

  return runners;
}
