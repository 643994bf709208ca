import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeDefinition } from '../../infra/definition.ts';
import { DynamoDbJobSlots } from '../../shared/aws/dynamodb-job-slots.ts';
import { buildStream } from '../../shared/events/catalogue.ts';
import { motoPipeline } from './moto-pipeline.ts';
import { type PipelineTables, pipelineTables } from './support.ts';

const at = (time: string) => new Date(`2026-12-03T${time}.000Z`);
const request = (buildId: string, jobId: string, expiresAt: string) => ({
  buildId,
  jobId,
  repository: 'acme/widget',
  projectLimit: 1,
  installationLimit: 10,
  expiresAt: at(expiresAt).toISOString(),
});

describe('job slots on DynamoDB Local', () => {
  let tables: PipelineTables;
  let slots: DynamoDbJobSlots;
  beforeAll(async () => {
    tables = await pipelineTables('slots');
    slots = new DynamoDbJobSlots(tables.client, tables.pipelineTable);
  });

  it('gives back a holder past its expiry to the next job that finds the cap full', async () => {
    // Build a's execution was stopped from the console: its job never released.
    const held = await slots.acquire(request('a', '1', '12:30:00'), at('12:00:00'));
    const before = await slots.acquire(request('b', '1', '13:30:00'), at('12:29:59'));
    const after = await slots.acquire(request('b', '1', '13:30:00'), at('12:30:01'));
    const again = await slots.acquire(request('c', '1', '14:30:00'), at('12:31:00'));

    expect([held, before, after, again]).toEqual([true, false, true, false]);
    expect(await slots.releaseBuild('a')).toEqual([]);
    await slots.release('b', '1');
    expect(await slots.acquire(request('c', '1', '14:30:00'), at('12:32:00'))).toBe(true);
    await slots.release('c', '1');
  });

  it('keeps a holder its job renewed, and lets a late release change nothing', async () => {
    await slots.acquire(request('d', '1', '12:30:00'), at('12:00:00'));
    const renewed = await slots.renew('d', '1', at('13:30:00').toISOString());
    const refused = await slots.acquire(request('e', '1', '14:00:00'), at('12:45:00'));
    const lapsed = await slots.acquire(request('e', '1', '14:00:00'), at('13:31:00'));
    // Job d comes back after its hold lapsed: its release must not free e's slot.
    await slots.release('d', '1');
    const stillFull = await slots.acquire(request('f', '1', '14:00:00'), at('13:32:00'));

    expect([renewed, refused, lapsed, stillFull]).toEqual([true, false, true, false]);
    expect(await slots.renew('d', '1', at('15:00:00').toISOString())).toBe(false);
    await slots.release('e', '1');
  });

  it('admits no job under a cap of 0, even before any job counted', async () => {
    const zero = { ...request('g', '1', '12:30:00'), repository: 'acme/never-built' };

    const project = await slots.acquire({ ...zero, projectLimit: 0 }, at('12:00:00'));
    const installation = await slots.acquire(
      { ...zero, projectLimit: undefined, installationLimit: 0 },
      at('12:00:00'),
    );

    expect([project, installation]).toEqual([false, false]);
  });
});

const matrix = (maxJobs?: number) =>
  [
    'image: Ubuntu2204',
    ...(maxJobs === undefined ? [] : [`max_jobs: ${maxJobs}`]),
    'environment:',
    '  matrix:',
    '    - JOB: one',
    '    - JOB: two',
    'install:',
    '  - make deps',
    'build_script:',
    '  - make',
    '',
  ].join('\n');

describe('concurrency caps through the synthesized pipeline, on moto', () => {
  const outcomes = (lines: string[]) =>
    lines.filter((l) => l.startsWith('JobFinished') || l.startsWith('BuildFinished'));

  it("holds a project's max_jobs across its builds: queued jobs wait, and all finish", async () => {
    const pipeline = await motoPipeline(synthesizeDefinition());

    const builds = await pipeline.builds([matrix(1), matrix(1)], { phaseMs: 40 });

    expect(pipeline.mostRunnersAtOnce()).toBe(1);
    for (const { lines } of builds) {
      expect(outcomes(lines).sort()).toEqual([
        'BuildFinished:success',
        'JobFinished:1:success',
        'JobFinished:2:success',
      ]);
    }
    expect(builds.flatMap((b) => b.lines).some((l) => l.startsWith('JobQueued'))).toBe(
      true,
    );
  });

  it('rejects max_jobs: 0 at its line, ending the build at once with no job waiting', async () => {
    const pipeline = await motoPipeline(synthesizeDefinition());

    const { buildId, lines } = await pipeline.build(matrix(0));

    expect(lines).toEqual(['BuildRequested', 'ConfigRejected', 'BuildFinished:failed']);
    const events = await pipeline.store.read(buildStream(buildId));
    expect(events[1]?.data.errors).toEqual([
      {
        message:
          'Error parsing appveyor.yml: "max_jobs" value must be an integer of at least 1 (Line: 2, Column: 11)',
        line: 2,
        column: 11,
      },
    ]);
  });

  it("fails every job at once, saying why, under an installation's limit of 0", async () => {
    const pipeline = await motoPipeline(synthesizeDefinition(), 0);

    const { buildId, lines } = await pipeline.build(matrix());

    expect(outcomes(lines).sort()).toEqual([
      'BuildFinished:failed',
      'JobFinished:1:failed',
      'JobFinished:2:failed',
    ]);
    const events = await pipeline.store.read(buildStream(buildId));
    const messages = events.filter((e) => e.type === 'MessageAdded').map((e) => e.data);
    expect(messages).toContainEqual({
      jobId: '1',
      level: 'error',
      message: expect.stringMatching(
        /^Job 1 of build .* can never run: the installation's limit is 0/,
      ),
    });
  });

  it("holds the installation's limit across builds of any project, failing no job", async () => {
    const pipeline = await motoPipeline(synthesizeDefinition(), 2);

    const builds = await pipeline.builds([matrix(), matrix(), matrix()], {
      phaseMs: 40,
    });

    expect(pipeline.mostRunnersAtOnce()).toBe(2);
    for (const { buildId, lines } of builds) {
      expect(outcomes(lines).at(-1)).toBe('BuildFinished:success');
      expect(await pipeline.running(buildId)).toEqual([]);
    }
  });
});
