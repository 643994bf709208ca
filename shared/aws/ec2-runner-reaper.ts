import {
  DescribeInstancesCommand,
  type EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { RunnerReaper, TaggedRunner } from '../pipeline/reap-runners.ts';
import { runnerTags } from './ec2-runner-fleet.ts';

/**
 * The reaper's view of EC2: the instances tagged for this installation that
 * are not yet terminated, and their termination.
 */
export class Ec2RunnerReaper implements RunnerReaper {
  constructor(
    private readonly ec2: EC2Client,
    private readonly installation: string,
  ) {}

  async listRunning(): Promise<TaggedRunner[]> {
    const runners: TaggedRunner[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${runnerTags.installation}`, Values: [this.installation] },
            {
              Name: 'instance-state-name',
              Values: ['pending', 'running', 'stopping', 'stopped'],
            },
          ],
          ...(NextToken && { NextToken }),
        }),
      );
      for (const instance of (page.Reservations ?? []).flatMap(
        (r) => r.Instances ?? [],
      )) {
        const tag = (key: string) =>
          instance.Tags?.find((t) => t.Key === key)?.Value ?? '';
        if (!instance.InstanceId) continue;
        runners.push({
          runnerId: instance.InstanceId,
          buildId: tag(runnerTags.build),
          jobId: tag(runnerTags.job),
          // A runner without an expiry tag counts as expired.
          expiresAt: tag(runnerTags.expiresAt) || new Date(0).toISOString(),
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);

    return runners;
  }

  async terminate(runnerId: string): Promise<void> {
    await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [runnerId] }));
  }
}
