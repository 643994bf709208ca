import { type EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import type { RunnerReaper, TaggedRunner } from '../pipeline/reap-runners.ts';
import { describeRunners } from './ec2-runner-instances.ts';

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
    const runners = await describeRunners(this.ec2, this.installation);

    return runners.map((runner) => ({
      runnerId: runner.runnerId,
      buildId: runner.buildId,
      jobId: runner.jobId,
      // A runner without an expiry tag counts as expired.
      expiresAt: runner.expiresAt ?? new Date(0).toISOString(),
    }));
  }

  async terminate(runnerId: string): Promise<void> {
    await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [runnerId] }));
  }
}
