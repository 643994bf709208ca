import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  JobPlan,
  PhaseName,
  ScriptCommand,
  Shell,
} from '../../shared/config/plan.ts';
import { bashPhaseScript } from '../../shared/runners/bash-script.ts';
import type { PhaseContext } from '../../shared/runners/context.ts';
import type { SecureValueDecryption } from '../../shared/runners/decryption.ts';
import {
  extractReport,
  parseReport,
  type RunnerReport,
  reportFile,
} from '../../shared/runners/phase-report.ts';

/** A script line of the given shell, placed at `line`. */
export function command(script: string, shell: Shell = 'bash', line = 1): ScriptCommand {
  return { shell, script, line, column: 3 };
}

/** A Linux job with no phases; override what a test needs. */
export function linuxJob(overrides: Partial<JobPlan> = {}): JobPlan {
  return {
    id: '1',
    name: 'Image: Ubuntu2204',
    image: 'Ubuntu2204',
    platform: 'linux',
    environment: [],
    phases: [],
    allowFailure: false,
    shallowClone: false,
    cache: [],
    services: [],
    stack: [],
    hosts: {},
    bake: { mayBeSetByScript: false },
    artifacts: [],
    ...overrides,
  };
}

/** Decryption that "decrypts" `enc:<value>` to `<value>`, for masking tests. */
export const fakeDecryption: SecureValueDecryption = {
  decrypt: (variable) => ({ value: variable.value.replace(/^enc:/, '') }),
};

/**
 * A push build of acme/Widget on main, at a fixed commit; artifacts go to a
 * folder no test reads unless it passes its own.
 */
export function phaseContext(
  overrides: Partial<PhaseContext['build']> = {},
): PhaseContext {
  return {
    imageName: 'Ubuntu2204',
    decryption: fakeDecryption,
    artifactUpload: { kind: 'folder', folder: '/tmp/bakehouse-test-artifacts' },
    build: {
      buildId: '01JBUILD',
      buildNumber: 42,
      version: '1.0.42',
      repositoryName: 'acme/Widget',
      repositoryUrl: 'https://github.com/acme/Widget.git',
      repositoryProvider: 'gitHub',
      trigger: {
        branch: 'main',
        commit: {
          sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
          message: 'Add the widget\n\nWith a longer body.',
          author: { name: 'Ada', email: 'ada@example.com' },
        },
      },
      ...overrides,
    },
  };
}

/** A temporary runner: a HOME and a state root, in a fresh folder. */
export interface TempRunner {
  readonly root: string;
  readonly home: string;
  readonly stateRoot: string;
}

/** Makes a fresh temporary runner folder. */
export function tempRunner(): TempRunner {
  const root = mkdtempSync(join(tmpdir(), 'bakehouse-runner-'));
  const home = join(root, 'home');
  mkdirSync(home);

  return { root, home, stateRoot: join(root, 'state') };
}

/** What running one phase script with bash gave. */
export interface PhaseRun {
  readonly output: string;
  readonly status: number | null;
  readonly report: RunnerReport;
}

/** Generates the phase's bash script and really runs it with bash on the runner. */
export function runPhase(
  runner: TempRunner,
  job: JobPlan,
  phase: PhaseName,
  commands: readonly ScriptCommand[],
  context: PhaseContext = phaseContext(),
  path = '/usr/local/bin:/usr/bin:/bin',
): PhaseRun {
  const script = bashPhaseScript(job, { name: phase, commands }, context);
  const file = join(runner.root, `${phase}.sh`);
  writeFileSync(file, script);
  const run = spawnSync('bash', [file], {
    env: { HOME: runner.home, BAKEHOUSE_STATE_DIR: runner.stateRoot, PATH: path },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const reportPath = reportFile(runner.stateRoot, context.build.buildId, job.id, phase);
  const output = run.stdout + run.stderr;
  // A phase before a bake removes its report file with the job's state.
  const report = existsSync(reportPath)
    ? parseReport(readFileSync(reportPath, 'utf8'))
    : extractReport(output);
  if (!report) throw new Error(`Phase ${phase} printed no report:\n${output}`);

  return { output, status: run.status, report };
}

/** A git repository on disk with two commits; returns its path and both shas. */
export function gitRepository(root: string) {
  const path = join(root, 'origin');
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', path, ...args], { encoding: 'utf8' }).trim();
  mkdirSync(path);
  git('init', '-q', '-b', 'main');
  const identity = ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com'];
  writeFileSync(join(path, 'README.md'), 'first\n');
  git('add', '.');
  git(...identity, 'commit', '-q', '-m', 'First');
  const first = git('rev-parse', 'HEAD');
  writeFileSync(join(path, 'README.md'), 'second\n');
  git(...identity, 'commit', '-q', '-am', 'Second');

  return { path, first, second: git('rev-parse', 'HEAD') };
}
