import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalImageStore } from '../../local/image-store/store.ts';
import { LocalRunnerFleet } from '../../local/runner-fleet/fleet.ts';
import type { JobPlan, PhaseName, ScriptCommand } from '../../shared/config/plan.ts';
import type { PhaseResult, ResolvedImage } from '../../shared/ports/runner-fleet.ts';
import { bashPhaseScript } from '../../shared/runners/bash-script.ts';
import type { PhaseContext } from '../../shared/runners/context.ts';
import { command, gitRepository, linuxJob, phaseContext } from '../runners/fixtures.ts';
import { processAlive, processGroupMembers } from './processes.ts';

const ubuntu: ResolvedImage = {
  name: 'Ubuntu2204',
  platform: 'linux',
  ref: '',
  base: true,
};
const spec = {
  buildId: '01JBUILD',
  jobId: '1',
  image: ubuntu,
  expiresAt: '2030-01-01T00:00:00Z',
};

let stateFolder: string;
let results: PhaseResult[];
let fleet: LocalRunnerFleet;

beforeEach(() => {
  stateFolder = mkdtempSync(join(tmpdir(), 'bakehouse-fleet-'));
  results = [];
  fleet = new LocalRunnerFleet({
    stateFolder,
    onPhaseFinished: async (result) => {
      results.push(result);
    },
  });
});

afterEach(async () => {
  await fleet.terminateAll('test over');
  rmSync(stateFolder, { recursive: true, force: true });
});

/** How a test's phase differs from a 30 s phase of the default job and build. */
interface PhaseOptions {
  readonly timeoutSeconds?: number;
  readonly job?: JobPlan;
  readonly context?: PhaseContext;
}

async function runPhase(
  runnerId: string,
  phase: PhaseName,
  commands: ScriptCommand[],
  options: PhaseOptions = {},
): Promise<PhaseResult> {
  const { timeoutSeconds = 30, job = linuxJob(), context = phaseContext() } = options;
  const script = bashPhaseScript(job, { name: phase, commands }, context);
  await fleet.startPhase({
    buildId: '01JBUILD',
    jobId: '1',
    runnerId,
    phase,
    shell: 'bash',
    script,
    timeoutSeconds,
    callbackToken: `01JBUILD/1/${phase}`,
  });
  await fleet.idle();

  return results.at(-1) as PhaseResult;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++)
    await new Promise((r) => setTimeout(r, 25));
}

describe('LocalRunnerFleet', () => {
  it('runs a phase as a bash process in the runner home and hands its result over', async () => {
    const runnerId = await fleet.launch(spec);

    const result = await runPhase(runnerId, 'install', [
      command('echo "home=$HOME"; appveyor SetVariable A b'),
    ]);

    const home = join(fleet.runnerFolder(runnerId), 'home');
    expect(result).toMatchObject({
      buildId: '01JBUILD',
      jobId: '1',
      phase: 'install',
      callbackToken: '01JBUILD/1/install',
      outcome: 'succeeded',
      exitCode: 0,
      variables: { A: 'b' },
    });
    expect(readFileSync(result.logPointer, 'utf8')).toContain(`home=${home}`);
  });

  it('gives a runner home, projects and tools folders, projects reachable from HOME', async () => {
    const runnerId = await fleet.launch(spec);
    writeFileSync(
      join(fleet.runnerFolder(runnerId), 'tools', 'bin', 'hello'),
      '#!/bin/sh\necho hi\n',
      {
        mode: 0o755,
      },
    );

    const result = await runPhase(runnerId, 'install', [
      command('mkdir -p ~/projects/widget && hello'),
    ]);

    expect(result.outcome).toBe('succeeded');
    expect(existsSync(join(fleet.runnerFolder(runnerId), 'projects', 'widget'))).toBe(
      true,
    );
    expect(readFileSync(result.logPointer, 'utf8')).toContain('hi');
  });

  it.each([
    ['windows', 'Visual Studio 2022', 'Windows runners cannot run locally'],
    ['macos', 'macOS', 'macOS runners cannot run locally'],
  ] as const)(
    'refuses %s images with a clear message',
    async (platform, name, message) => {
      const image: ResolvedImage = { name, platform, ref: '', base: true };

      await expect(fleet.launch({ ...spec, image })).rejects.toThrow(message);
      expect(fleet.runnerIds()).toEqual([]);
    },
  );

  it('kills a phase past its timeout and reports it timed out', async () => {
    const runnerId = await fleet.launch(spec);

    const result = await runPhase(runnerId, 'build_script', [command('sleep 30')], {
      timeoutSeconds: 1,
    });

    expect(result).toMatchObject({ outcome: 'timed-out', exitCode: 124 });
    expect(result.durationMs).toBeLessThan(5000);
    expect(readFileSync(result.logPointer, 'utf8')).toContain(
      'killed after its timeout of 1 s',
    );
  });

  it('reports a runner whose phase process is killed from outside as lost', async () => {
    const runnerId = await fleet.launch(spec);
    const started = runPhase(runnerId, 'build_script', [command('sleep 30')]);
    const [group] = fleet.runningProcessGroups();

    process.kill(-(group as number), 'SIGKILL');
    const result = await started;

    expect(result.outcome).toBe('runner-lost');
  });

  it('reports the running phase lost when its runner is terminated, leaving nothing', async () => {
    const runnerId = await fleet.launch(spec);
    const started = runPhase(runnerId, 'build_script', [command('sleep 30 & sleep 30')]);
    const [group] = fleet.runningProcessGroups();
    await until(() => existsSync(join(fleet.runnerFolder(runnerId), 'scripts')));

    await fleet.terminate(runnerId, 'build cancelled');
    const result = await started;

    expect(result.outcome).toBe('runner-lost');
    expect(processGroupMembers(group as number)).toEqual([]);
    expect(existsSync(fleet.runnerFolder(runnerId))).toBe(false);
    expect(fleet.runnerIds()).toEqual([]);
  });

  it('kills what a phase left running in the background when the runner ends', async () => {
    const runnerId = await fleet.launch(spec);
    await runPhase(runnerId, 'install', [
      command('sleep 60 > /dev/null 2>&1 & echo $! > ~/bg.pid'),
    ]);
    const pidFile = join(fleet.runnerFolder(runnerId), 'home', 'bg.pid');
    const background = Number(readFileSync(pidFile, 'utf8'));

    await fleet.terminate(runnerId, 'job finished');

    await until(() => !processAlive(background));
    expect(processAlive(background)).toBe(false);
  });

  it('kills what a phase started in a session of its own when the runner ends', async () => {
    const runnerId = await fleet.launch(spec);
    await runPhase(runnerId, 'on_finish', [
      command('setsid sleep 60 > /dev/null 2>&1 < /dev/null & echo $! > ~/bg.pid'),
    ]);
    const pidFile = join(fleet.runnerFolder(runnerId), 'home', 'bg.pid');
    const background = Number(readFileSync(pidFile, 'utf8'));

    await fleet.terminate(runnerId, 'job finished');

    await until(() => !processAlive(background));
    expect(processAlive(background)).toBe(false);
  });

  it('finds the runners of a build, or of one of its jobs, until they end', async () => {
    const one = await fleet.launch(spec);
    const two = await fleet.launch({ ...spec, jobId: '2' });
    await fleet.launch({ ...spec, buildId: '01JOTHER' });

    const ofBuild = await fleet.findRunners({ buildId: '01JBUILD' });
    const ofJob = await fleet.findRunners({ buildId: '01JBUILD', jobId: '2' });
    await fleet.terminate(two, 'job finished');

    expect(ofBuild.map((r) => r.runnerId).sort()).toEqual([one, two].sort());
    expect(ofJob).toEqual([{ runnerId: two, buildId: '01JBUILD', jobId: '2' }]);
    expect(await fleet.findRunners({ buildId: '01JBUILD', jobId: '2' })).toEqual([]);
  });

  it('leaves no folder behind a launch that failed half-way', async () => {
    const custom: ResolvedImage = {
      name: 'widget-tools',
      platform: 'linux',
      ref: 'snap-broken',
      version: 1,
      base: false,
    };
    const broken = new LocalRunnerFleet({
      stateFolder,
      onPhaseFinished: async () => {},
      materializeImage: async () => {
        throw new Error('snapshot snap-broken is unreadable');
      },
    });

    await expect(broken.launch({ ...spec, image: custom })).rejects.toThrow(
      'snapshot snap-broken is unreadable',
    );
    expect(readdirSync(join(stateFolder, 'runners'))).toEqual([]);
    expect(await broken.findRunners({ buildId: spec.buildId })).toEqual([]);
  });

  it('keeps its own tools when a build empties its PATH: only the build commands fail', async () => {
    const runnerId = await fleet.launch(spec);

    const emptied = await runPhase(runnerId, 'install', [
      command('appveyor SetVariable -Name PATH -Value ""'),
      command('echo still here'),
    ]);
    const next = await runPhase(runnerId, 'build_script', [command('ls')]);

    expect(emptied).toMatchObject({ outcome: 'succeeded', variables: { PATH: '' } });
    expect(next).toMatchObject({ outcome: 'failed', exitCode: 127 });
    const log = readFileSync(next.logPointer, 'utf8');
    expect(log).toContain('ls: command not found');
    expect(log).toContain('Command exited with code 127');
  });

  it('fails a phase whose home a build removed, saying so, rather than lose the runner', async () => {
    const runnerId = await fleet.launch(spec);
    const home = join(fleet.runnerFolder(runnerId), 'home');
    await runPhase(runnerId, 'build_script', [command('rm -rf "$HOME"')]);

    const result = await runPhase(runnerId, 'on_finish', [command('echo finishing')]);

    expect(result).toMatchObject({ outcome: 'failed', exitCode: 70 });
    const log = readFileSync(result.logPointer, 'utf8');
    expect(log).toContain(
      `Bakehouse: the runner's home folder ${home} is gone (a command of an earlier ` +
        'phase removed it?): phase on_finish cannot run there.',
    );
    expect(log).not.toContain('finishing');
  });

  it('reports a phase sent to a runner that is gone as lost', async () => {
    const result = await runPhase('local-gone', 'install', [command('true')]);

    expect(result).toMatchObject({ outcome: 'runner-lost', phase: 'install' });
  });

  it('launches a custom image through the image store and refuses it without one', async () => {
    const custom: ResolvedImage = {
      name: 'widget-tools',
      platform: 'linux',
      ref: 'snap-1',
      version: 2,
      base: false,
    };
    const materialized: string[] = [];
    const withStore = new LocalRunnerFleet({
      stateFolder,
      onPhaseFinished: async () => {},
      materializeImage: async (image, folder) => {
        materialized.push(`${image.ref}->${folder}`);
      },
    });

    const runnerId = await withStore.launch({ ...spec, image: custom });
    await withStore.terminateAll('test over');

    expect(materialized).toEqual([`snap-1->${withStore.runnerFolder(runnerId)}`]);
    await expect(fleet.launch({ ...spec, image: custom })).rejects.toThrow(
      "Custom image 'widget-tools' cannot be launched: no local image store is configured.",
    );
  });
});

describe('LocalRunnerFleet clone folders', () => {
  /** A folder outside every runner holding a file, and a build of a repository on disk. */
  function victimAndBuild() {
    const victim = join(stateFolder, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'keep.txt'), 'precious\n');
    const origin = gitRepository(stateFolder);
    const { trigger } = phaseContext().build;
    const context = phaseContext({
      repositoryUrl: origin.path,
      repositoryProvider: 'git',
      trigger: { ...trigger, commit: { ...trigger.commit, sha: origin.second } },
    });

    return { victim, context };
  }

  it.each([
    ['an absolute', (victim: string) => victim, (victim: string) => victim],
    [
      'a relative',
      () => '../../../victim',
      (victim: string, home: string) =>
        `${home}/../../../victim (it resolves to ${victim})`,
    ],
  ])(
    'refuses %s clone folder outside the runner, naming it, and keeps its files',
    async (_kind, cloneFolder, named) => {
      const { victim, context } = victimAndBuild();
      const runnerId = await fleet.launch(spec);
      const runnerFolder = fleet.runnerFolder(runnerId);
      const job = linuxJob({ cloneFolder: cloneFolder(victim) });

      const result = await runPhase(runnerId, 'clone', [], { job, context });

      expect(result).toMatchObject({ outcome: 'failed', exitCode: 1 });
      expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('precious\n');
      expect(readFileSync(result.logPointer, 'utf8')).toContain(
        `The clone folder ${named(victim, join(runnerFolder, 'home'))} is outside ` +
          `this runner's folder ${runnerFolder}: a local runner runs the build with ` +
          'your own rights, so it clones only inside its own folder.',
      );
    },
  );

  it("clones an AppVeyor home path such as /home/appveyor/projects/x into the runner's home", async () => {
    const { context } = victimAndBuild();
    const runnerId = await fleet.launch(spec);
    const job = linuxJob({ cloneFolder: '/home/appveyor/projects/x' });

    const result = await runPhase(runnerId, 'clone', [], { job, context });

    const readme = join(fleet.runnerFolder(runnerId), 'projects', 'x', 'README.md');
    expect(result.outcome).toBe('succeeded');
    expect(readFileSync(readme, 'utf8')).toBe('second\n');
  });

  it('refuses to remove a clone folder moved outside the runner before an image', async () => {
    const { victim } = victimAndBuild();
    const runnerId = await fleet.launch(spec);
    await runPhase(runnerId, 'install', [
      command(`export APPVEYOR_BUILD_FOLDER='${victim}'`),
    ]);

    const result = await runPhase(runnerId, 'on_image_bake', []);

    expect(result).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('precious\n');
  });
});

describe('LocalRunnerFleet with the local image store', () => {
  it('launches a runner with what an earlier runner baked into its image', async () => {
    const store = new LocalImageStore({ stateFolder });
    const baking = new LocalRunnerFleet({
      stateFolder,
      onPhaseFinished: async (result) => {
        results.push(result);
      },
      materializeImage: (image, folder) => store.materialize(image, folder),
    });
    const first = await baking.launch(spec);
    const tools = join(baking.runnerFolder(first), 'tools', 'bin');
    writeFileSync(join(tools, 'widget-tool'), '#!/bin/sh\necho tool ready\n', {
      mode: 0o755,
    });
    const ref = await store.capture({
      runnerId: first,
      imageName: 'widget-tools',
      platform: 'linux',
      buildId: '01JBAKE',
      jobId: '1',
      commit: 'a1b2c3d',
      parent: { name: 'Ubuntu2204', ref: '' },
    });
    await baking.terminate(first, 'baked');
    const image: ResolvedImage = {
      name: 'widget-tools',
      platform: 'linux',
      ref,
      version: 1,
      base: false,
    };

    const second = await baking.launch({ ...spec, image });
    const script = bashPhaseScript(
      linuxJob(),
      { name: 'install', commands: [command('widget-tool')] },
      phaseContext(),
    );
    await baking.startPhase({
      buildId: '01JBUILD',
      jobId: '1',
      runnerId: second,
      phase: 'install',
      shell: 'bash',
      script,
      timeoutSeconds: 30,
      callbackToken: '01JBUILD/1/install',
    });
    await baking.idle();
    await baking.terminateAll('test over');

    const result = results.at(-1) as PhaseResult;
    expect(result.outcome).toBe('succeeded');
    expect(readFileSync(result.logPointer, 'utf8')).toContain('tool ready');
  });
});
