import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { imageKey } from '../images/names.ts';
import type { ImageUsage } from '../images/ports.ts';
import { runnerTags } from './ec2-runner-fleet.ts';

/**
 * Which versions of an image runners of this installation still run from,
 * read from the tags LaunchRunner puts on them: a version in use is never
 * deleted, by hand or by retention.
 */
export class Ec2ImageUsage implements ImageUsage {
  constructor(
    private readonly ec2: EC2Client,
    private readonly installation: string,
  ) {}

  async versionsInUse(imageName: string): Promise<ReadonlySet<number>> {
    const versions = new Set<number>();
    let NextToken: string | undefined;
    do {
      const page = await this.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${runnerTags.installation}`, Values: [this.installation] },
            { Name: `tag:${runnerTags.image}`, Values: [imageKey(imageName)] },
            {
              Name: 'instance-state-name',
              Values: ['pending', 'running', 'stopping', 'stopped'],
            },
          ],
          ...(NextToken && { NextToken }),
        }),
      );
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          const tag = instance.Tags?.find((t) => t.Key === runnerTags.imageVersion);
          if (tag?.Value) versions.add(Number(tag.Value));
        }
      }
      NextToken = page.NextToken;
    } while (NextToken);

    return versions;
  }
}
