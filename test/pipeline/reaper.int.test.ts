import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Ec2RunnerFleet } from '../../shared/aws/ec2-runner-fleet.ts';
import { Ec2RunnerReaper } from '../../shared/aws/ec2-runner-reaper.ts';
import { buildStream, newEvent } from '../../shared/events/catalogue.ts';
import type { EventStore } from '../../shared/events/store.ts';
import { reapRunners } from '../../shared/pipeline/reap-runners.ts';
import type { ResolvedImage } from '../../shared/ports/runner-fleet.ts';
import { motoEc2, motoNetwork, motoRunnerFleet, motoSsm } from '../support/moto.ts';
import {
  buildLines,
  type PipelineTables,
  pipelineTables,
  requestBuild,
} from './support.ts';

const installation = 'ReaperTest';
const now = new Date('2026-12-03T12:00:00.000Z');
const log = { info: () => undefined, warn: () => undefined };

describe('the reaper on moto and DynamoDB Local', () => {
  let ec2: EC2Client;
  let tables: PipelineTables;
  let fleet: Ec2RunnerFleet;
  let launchImage: ResolvedImage;
  beforeAll(async () => {
    ec2 = motoEc2(inject('motoEndpoint'));
    tables = await pipelineTables('reaper');
    const network = await motoNetwork(ec2, inject('motoEndpoint'));
    fleet = motoRunnerFleet({ ec2, ssm: motoSsm(inject('motoEndpoint')) }, network, {
      installation,
    });
    launchImage = {
      name: 'Ubuntu2204',
      platform: 'linux' as const,
      ref: network.imageId,
      base: true,
      rootDevice: network.rootDevice,
    };
  });
  afterAll(() => ec2.destroy());

  /** A runner of a build, recorded as launched, expiring at `expiresAt`. */
  async function runner(
    expiresAt: string,
  ): Promise<{ buildId: string; runnerId: string }> {
    const buildId = await requestBuild(tables.store);
    const runnerId = await fleet.launch({
      buildId,
      jobId: '1',
      image: launchImage,
      expiresAt,
    });
    const image = { name: 'Ubuntu2204', ref: launchImage.ref };
    await tables.store.commit({
      appends: [
        {
          streamId: buildStream(buildId),
          expectedVersion: 1,
          events: [newEvent('RunnerLaunched', { jobId: '1', runnerId, image })],
        },
      ],
    });

    return { buildId, runnerId };
  }

  async function stateOf(runnerId: string) {
    const found = await ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [runnerId] }),
    );
    return found.Reservations?.[0]?.Instances?.[0]?.State?.Name;
  }

  it('terminates runners past expiry, spares the others, and records why', async () => {
    const expired = await runner('2026-12-03T11:00:00.000Z');
    const alive = await runner('2026-12-03T13:00:00.000Z');
    const reaper = new Ec2RunnerReaper(ec2, installation);

    const report = await reapRunners({
      events: tables.store,
      log,
      now: () => now,
      reaper,
    });

    expect(report).toEqual({ terminated: [expired.runnerId], failed: [] });
    expect(await stateOf(expired.runnerId)).toMatch(/shutting-down|terminated/);
    expect(await stateOf(alive.runnerId)).toBe('running');
    expect(await buildLines(tables.store, expired.buildId)).toContain(
      'RunnerTerminated:1',
    );
    await fleet.terminate(alive.runnerId);
  });

  it('retries a failed termination on its next pass', async () => {
    const expired = await runner('2026-12-03T10:00:00.000Z');
    const real = new Ec2RunnerReaper(ec2, installation);
    let refusals = 1;
    const flaky = {
      listRunning: () => real.listRunning(),
      terminate: async (runnerId: string) => {
        if (refusals-- > 0) throw new Error('RequestLimitExceeded');
        await real.terminate(runnerId);
      },
    };

    const first = await reapRunners({
      events: tables.store,
      log,
      now: () => now,
      reaper: flaky,
    });
    const second = await reapRunners({
      events: tables.store,
      log,
      now: () => now,
      reaper: flaky,
    });

    expect(first).toEqual({ terminated: [], failed: [expired.runnerId] });
    expect(second).toEqual({ terminated: [expired.runnerId], failed: [] });
    expect(await stateOf(expired.runnerId)).toMatch(/shutting-down|terminated/);
  });

  it('goes on past a runner whose record fails, and records and reaps it next pass', async () => {
    const unlucky = await runner('2026-12-03T09:00:00.000Z');
    const other = await runner('2026-12-03T09:30:00.000Z');
    const reaper = new Ec2RunnerReaper(ec2, installation);
    let outage = true;
    const flakyEvents: EventStore = {
      read: (streamId, fromVersion) => tables.store.read(streamId, fromVersion),
      commit: async (commit) => {
        const ofUnlucky = commit.appends.some(
          (a) => a.streamId === buildStream(unlucky.buildId),
        );
        if (outage && ofUnlucky) throw new Error('ProvisionedThroughputExceeded');
        return tables.store.commit(commit);
      },
    };

    const first = await reapRunners({ events: flakyEvents, log, now: () => now, reaper });
    const unluckyAfterFirst = await stateOf(unlucky.runnerId);
    outage = false;
    const second = await reapRunners({
      events: flakyEvents,
      log,
      now: () => now,
      reaper,
    });

    expect(first.failed).toEqual([unlucky.runnerId]);
    expect(first.terminated).toContain(other.runnerId);
    expect(unluckyAfterFirst).toBe('running');
    expect(second.terminated).toContain(unlucky.runnerId);
    expect(await buildLines(tables.store, unlucky.buildId)).toContain(
      'RunnerTerminated:1',
    );
    expect(await stateOf(unlucky.runnerId)).toMatch(/shutting-down|terminated/);
  });
});
