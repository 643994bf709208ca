import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../../local/backend.ts';
import type { BuildView, JobView } from '../../shared/views/build-view.ts';
import {
  type CorpusRepository,
  createCorpusRepository,
  firstFailedPhase,
  phaseLog,
  pushAndWait,
  runnerToolbox,
} from './corpus-builds.ts';

/** What one corpus config must do when pushed to the embedded backend. */
interface ExpectedResult extends CorpusRepository {
  /** The image of the job this row is about (the Linux one). */
  readonly image: string;
  readonly buildStatus: 'success' | 'failed';
  /** A command, in a phase that succeeded, whose display starts so. */
  readonly exitsZero: { readonly phase: string; readonly command: string };
  /** The first failing phase and command (its first line), and why it fails. */
  readonly failure: {
    readonly phase: string;
    readonly command: string;
    readonly exitCode: number;
    readonly reason: string;
    /** What the phase's log shows after the command, as the reason's trace. */
    readonly evidence: RegExp;
  };
}

/**
 * The runners' only tools: enough for Bakehouse's phase scripts, git and
 * java. No pwsh, python, yarn, redis-server or sudo, on any machine.
 */
const runnerTools = [
  ...['awk', 'bash', 'cat', 'chmod', 'dirname', 'git', 'java'],
  ...['mkdir', 'mv', 'rm', 'sh', 'uname'],
];

const gradleWrapper = `#!/bin/sh
# The Gradle wrapper's launcher: gradle-wrapper.jar downloads the distribution
# that gradle/wrapper/gradle-wrapper.properties names, then runs it.
APP_HOME=$(cd "$(dirname "$0")" && pwd)
exec java -classpath "$APP_HOME/gradle/wrapper/gradle-wrapper.jar" \\
  org.gradle.wrapper.GradleWrapperMain "$@"
`;

/**
 * The specification: five Linux configs of the corpus, the files each is
 * committed with, and the result each must give on a local runner. The
 * Ubuntu1804 and Ubuntu1604 configs are left out: the catalog has neither
 * image, so their jobs fail at ResolveImage before any command runs, and the
 * build's view says nothing of why (the cause is only in the execution).
 */
const expectedResults: Readonly<Record<string, ExpectedResult>> = {
  selenide: {
    corpusFile: '3Gouct__Selenide__.appveyor.yml',
    branch: 'main',
    files: {
      gradlew: gradleWrapper,
      'gradle/wrapper/gradle-wrapper.properties':
        'distributionUrl=https\\://services.gradle.org/distributions/gradle-8.5-bin.zip\n',
    },
    image: 'Ubuntu',
    buildStatus: 'failed',
    exitsZero: { phase: 'install', command: 'chmod +x gradlew' },
    failure: {
      phase: 'build_script',
      command: './gradlew test -Dselenide.headless=true --info',
      exitCode: 1,
      reason:
        'gradle-wrapper.jar is not committed here; with it, the wrapper ' +
        'would download Gradle, which needs the network',
      evidence: /Could not find or load main class org\.gradle\.wrapper/,
    },
  },
  'stackexchange-redis': {
    corpusFile: 'StackExchange__StackExchange.Redis__appveyor.yml',
    branch: 'master',
    files: {
      'tests/RedisConfigs/start-all.sh':
        '#!/bin/bash\nredis-server Basic/master-6379.conf --daemonize yes\n',
    },
    image: 'Ubuntu',
    buildStatus: 'failed',
    exitsZero: { phase: 'init', command: 'git config --global core.autocrlf input' },
    failure: {
      phase: 'install',
      command: 'if (Get-Command "Start-Service" -errorAction SilentlyContinue) {',
      exitCode: 127,
      reason:
        'a Windows-style ps: line runs with pwsh on Linux, and pwsh is not ' +
        'installed here (redis-server is missing too, but its block ends green)',
      evidence: /The ps: command of line 51 needs PowerShell \(pwsh\)/,
    },
  },
  psscriptanalyzer: {
    corpusFile: 'PowerShell__PSScriptAnalyzer__appveyor.yml',
    branch: 'master',
    files: { 'tools/appveyor.psm1': 'function Invoke-AppveyorInstall { }\n' },
    image: 'Ubuntu',
    buildStatus: 'failed',
    exitsZero: { phase: 'clone', command: 'git fetch' },
    failure: {
      phase: 'install',
      command:
        "if ($env:PowerShellEdition -eq 'WindowsPowerShell') " +
        '{ Import-Module .\\tools\\appveyor.psm1; Invoke-AppveyorInstall }',
      exitCode: 127,
      reason: 'every command is a ps: or pwsh: line, and pwsh is not installed here',
      evidence: /The ps: command of line 21 needs PowerShell \(pwsh\)/,
    },
  },
  cibuildwheel: {
    corpusFile: 'pypa__cibuildwheel__examples_appveyor-minimal.yml',
    branch: 'master',
    files: { 'setup.py': 'from setuptools import setup\n\nsetup(name="example")\n' },
    image: 'Ubuntu',
    buildStatus: 'failed',
    exitsZero: { phase: 'clone', command: 'git fetch' },
    failure: {
      phase: 'install',
      command: 'python -m pip install cibuildwheel==2.8.0',
      exitCode: 127,
      reason:
        'python is not installed here (stack: python 3.7 provides nothing ' +
        'locally), and pip would need the network',
      evidence: /python: command not found/,
    },
  },
  argon: {
    corpusFile: 'SimonCropp__Argon__src_appveyor.yml',
    branch: 'master',
    files: { 'src/global.json': '{ "sdk": { "version": "8.0.100" } }\n' },
    image: 'Ubuntu',
    buildStatus: 'failed',
    exitsZero: { phase: 'clone', command: 'git fetch' },
    failure: {
      phase: 'build_script',
      command: 'if ($isWindows) {',
      exitCode: 127,
      reason:
        'the .NET SDK install is a pwsh: block, pwsh is not installed here, ' +
        'and dotnet-install would need the network',
      evidence: /The pwsh: command of line 6 needs PowerShell \(pwsh\)/,
    },
  },
};

const phaseTimeoutSeconds = 60;

describe('corpus configs pushed through the local webhook path', () => {
  let backend: Backend;
  let stateDir: string;
  const builds = new Map<string, BuildView>();

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'bakehouse-corpus-'));
    const runnerPath = await runnerToolbox(join(stateDir, 'toolbox'), runnerTools);
    backend = await startBackend({
      stateDir,
      logger: new Logger({ serviceName: 'bakehouse', logLevel: 'ERROR' }),
      phaseTimeoutSeconds,
      runnerPath,
    });
    for (const [name, expected] of Object.entries(expectedResults)) {
      const repository = await createCorpusRepository(backend, name, {
        ...expected,
        executables: Object.keys(expected.files).filter(
          (path) => path === 'gradlew' || path.endsWith('.sh'),
        ),
      });
      builds.set(name, await pushAndWait(backend, repository, expected.branch, 90_000));
    }
  }, 170_000);

  afterAll(async () => {
    await backend?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const rows = Object.entries(expectedResults);

  it.each(rows)('%s ends with the build status the table names', (name, expected) => {
    expect(builds.get(name)?.status).toBe(expected.buildStatus);
  });

  it.each(rows)('%s runs a command that exits 0', async (name, expected) => {
    const phase = linuxJob(name, expected).phases.find(
      (p) => p.phase === expected.exitsZero.phase,
    );
    const lines = (phase ? await phaseLog(phase) : '').split('\n');
    const { command } = expected.exitsZero;

    expect(phase).toMatchObject({ status: 'success', exitCode: 0 });
    expect(lines.some((l) => l === command || l.startsWith(`${command} `))).toBe(true);
  });

  it.each(rows)(
    '%s fails first at the command the table names',
    async (name, expected) => {
      const { failure } = expected;
      const failed = await firstFailedPhase(linuxJob(name, expected));
      const log = failed?.log ?? '';
      const shown = log.split('\n').indexOf(failure.command);
      const exited = log
        .split('\n')
        .indexOf(`Command exited with code ${failure.exitCode}`);
      const trace = log.split('\n').slice(shown, exited).join('\n');

      expect(failed?.phase).toMatchObject({
        phase: failure.phase,
        status: 'failed',
        exitCode: failure.exitCode,
      });
      expect(shown).toBeGreaterThanOrEqual(0);
      expect(exited).toBeGreaterThan(shown);
      expect(trace, failure.reason).toMatch(failure.evidence);
    },
  );

  it('ends every phase within its timeout, none killed', () => {
    const phases = [...builds.values()].flatMap((b) => b.jobs.flatMap((j) => j.phases));

    expect(phases.length).toBeGreaterThan(0);
    expect(phases.filter((p) => p.status === 'timedOut')).toEqual([]);
    for (const phase of phases) {
      expect(phase.durationMs ?? 0).toBeLessThan(phaseTimeoutSeconds * 1000);
    }
  });

  function linuxJob(name: string, expected: ExpectedResult): JobView {
    const job = builds.get(name)?.jobs.find((j) => j.image === expected.image);
    if (!job) throw new Error(`Build of ${name} has no job on ${expected.image}`);

    return job;
  }
});
