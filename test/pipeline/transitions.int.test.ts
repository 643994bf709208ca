import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeDefinition } from '../../infra/definition.ts';
import { motoPipeline } from './moto-pipeline.ts';

/** The figures README.md's "AWS costs" section gives; this test keeps them true. */
const perBuild = 5;
const perJob = 22;

const matrix = (jobs: number, phases: string[]) =>
  [
    'image: Ubuntu2204',
    'environment:',
    '  matrix:',
    ...Array.from({ length: jobs }, (_, i) => `    - JOB: "${i + 1}"`),
    ...phases.flatMap((phase) => [`${phase}:`, '  - echo work']),
    '',
  ].join('\n');

describe('state transitions per build, counted from local executions', () => {
  let pipeline: Awaited<ReturnType<typeof motoPipeline>>;
  beforeAll(async () => {
    // Room for the 40-job matrix at once, as the Map's own concurrency allows.
    pipeline = await motoPipeline(synthesizeDefinition(), 40);
  });

  let largestState = 0;

  /** Billed transitions: every state entered, and every retry. */
  async function transitions(config: string, failInstall = false): Promise<number> {
    const { buildId } = await pipeline.build(config, {
      script: (c) => (failInstall && c.phase === 'install' ? 'failed' : 'succeeded'),
    });
    const log = pipeline.orchestrator.eventLog(buildId);
    const payloads = log.flatMap((e) =>
      'state' in e ? [e.state.input, e.state.output] : [],
    );
    const sizes = payloads.map((p) => Buffer.byteLength(JSON.stringify(p ?? null)));
    largestState = Math.max(...sizes);

    return log.filter((e) => e.type === 'StateEntered' || e.type === 'StateRetried')
      .length;
  }

  it('grows by a fixed number per job, whatever the phases', async () => {
    const counts: number[] = [];
    for (const jobs of [1, 2, 3])
      counts.push(await transitions(matrix(jobs, ['install'])));
    const busier = await transitions(
      matrix(1, ['install', 'build_script', 'test_script', 'on_finish']),
    );

    expect(counts).toEqual([1, 2, 3].map((jobs) => perBuild + perJob * jobs));
    expect(busier).toBe(perBuild + perJob);
  });

  it('runs a 40-job matrix with every state far below the 256 KB payload limit', async () => {
    const count = await transitions(matrix(40, ['install']));

    expect(count).toBe(perBuild + perJob * 40);
    // Measured, not estimated: the Map's input carries one small reference per job.
    expect(largestState).toBeGreaterThan(40 * 40);
    expect(largestState).toBeLessThan(8 * 1024);
  }, 240_000);

  it('takes fewer transitions when a job fails early', async () => {
    const failed = await transitions(matrix(1, ['install']), true);

    expect(failed).toBeLessThan(perBuild + perJob);
    expect(failed).toBe(19);
  });
});
