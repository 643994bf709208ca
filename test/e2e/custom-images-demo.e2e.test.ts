import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo.ts';
import type { ScenarioResult } from '../../local/scenario.ts';
import { isEvent } from '../../shared/events/catalogue.ts';

/**
 * The main job, through the same entry point as `npm start`, with a smaller
 * primes table so the tool image's install takes about a second.
 */
describe('the custom-images demo (npm start)', () => {
  let result: ScenarioResult;
  const lines: string[] = [];

  beforeAll(async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-demo-'));
    result = await runDemo({
      stateDir,
      print: (line) => lines.push(line),
      primesTableLimit: 50_000_000,
    });
  }, 300_000);

  it('holds every check of the scenario', () => {
    expect(result.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('bakes prime-tools as version 1 of the prime-tools image', () => {
    const baked = result.builds.bake?.events.find((e) => isEvent(e, 'ImageBaked'));

    expect(baked?.data).toMatchObject({ imageName: 'prime-tools', version: 1 });
  });

  it('starts build 2 from the baked image and records no install in its events', () => {
    const events = result.builds.onImage?.events ?? [];
    const launched = events.find((e) => isEvent(e, 'RunnerLaunched'));
    const phases = events
      .filter((e) => isEvent(e, 'PhaseStarted'))
      .map((e) => e.data.phase);

    expect(launched?.data.image).toMatchObject({ name: 'prime-tools', version: 1 });
    expect(phases).not.toContain('install');
    expect(phases).toContain('build_script');
  });

  it('runs the tool from the image in build 2', () => {
    const view = result.builds.onImage?.view;
    const testScript = view?.jobs[0]?.phases.find((p) => p.phase === 'test_script');

    expect(view?.status).toBe('success');
    expect(testScript).toMatchObject({ status: 'success', exitCode: 0 });
  });

  it('prints the phases, the images and the speedup', () => {
    const output = lines.join('\n');

    expect(output).toMatch(/install\s+success/);
    expect(output).toMatch(/prime-tools: v1 \(current\)/);
    expect(output).toMatch(/Speedup of prime-app .*: \d+\.\d×/);
  });
});
