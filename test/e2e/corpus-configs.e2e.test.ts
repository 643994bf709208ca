// biome-ignore-all lint/suspicious/noTemplateCurlyInString: bash lines, as configs write them
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../../local/backend.ts';
import type { CatalogEntry } from '../../shared/images/catalog.ts';
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
  /**
   * A command of the config whose display starts so, in a phase that
   * succeeded or shown before the failing command of the failing phase (a
   * phase stops at its first failing command, so one shown before it exited 0).
   */
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
 * java. No pwsh, python, yarn, redis-server, sudo or curl, on any machine.
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
 * The operator's base images for appveyor/build-images: its jobs start from
 * AppVeyor's own base images, named after an Ubuntu release and a cloud,
 * which an operator maps to Canonical's image of that release.
 */
const operatorBaseImages: readonly CatalogEntry[] = [
  ...['2004-gce-us-central1', '1804-gce-us-central1', '1604-gce-us-central1'],
  ...['1804-azure-westus', '2004-hyperv', '1804-hyperv', '1604-hyperv'],
].map((suffix) => ({
  name: `base-ubuntu-${suffix}`,
  platform: 'linux',
  source: {
    kind: 'ssm',
    parameter:
      `/aws/service/canonical/ubuntu/server/${suffix.slice(0, 2)}.${suffix.slice(2, 4)}` +
      '/stable/current/amd64/hvm/ebs-gp2/ami-id',
  },
}));

/**
 * The specification: the Linux configs of the corpus that run a command of
 * their own that exits 0 here, the files each is committed with, and the
 * result each must give on a local runner, which is this host (build-images
 * reads its /etc/os-release). The other Linux configs are left out because
 * the first command of their Linux job fails, so none of theirs exits 0:
 * PSScriptAnalyzer and Argon run only ps: and pwsh: lines (no pwsh here);
 * cibuildwheel's first is `python -m pip` (its cmd: init is skipped on
 * Linux); 222Alexa's AHJ-1.1 starts with `yarn install`; dbops with a ps:
 * line; epam's cloud-pipeline with `sudo ln` (after a macOS job it depends
 * on). ProGetAutomation's Linux job is commented out.
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
  utilpack: {
    corpusFile: 'stazz__UtilPack__appveyor.yml',
    branch: 'master',
    files: {
      'CI/build.sh': '#!/bin/sh\necho "build: dotnet build in a docker container"\n',
      'CI/test.sh': '#!/bin/sh\necho "test: dotnet test in a docker container"\n',
      'CI/deploy.sh': '#!/bin/sh\necho "deploy: dotnet nuget push"\n',
    },
    image: 'Ubuntu1804',
    buildStatus: 'failed',
    exitsZero: { phase: 'init', command: 'git config --global core.autocrlf false' },
    failure: {
      phase: 'init',
      command:
        'appveyor UpdateBuild -Version ' +
        '"1.0.${APPVEYOR_BUILD_NUMBER}-${APPVEYOR_REPO_COMMIT0:8}"',
      exitCode: 1,
      reason:
        "the runners' appveyor command has SetVariable, AddMessage, PushArtifact " +
        'and exit only: there is no build worker API to change the version',
      evidence: /appveyor: 'UpdateBuild' is not supported by Bakehouse/,
    },
  },
  libevtx: {
    corpusFile: 'libyal__libevtx__appveyor.yml',
    branch: 'master',
    files: {
      'synclibs.sh': '#!/bin/sh\necho "synclibs: fetches the libyal libraries"\n',
      'autogen.sh': '#!/bin/sh\necho "autogen: runs autoreconf"\n',
    },
    // The job of TARGET linux-tox-py310; the other 38 are Windows and macOS.
    image: 'ubuntu2204',
    buildStatus: 'failed',
    exitsZero: {
      phase: 'install',
      command:
        'if ( test `uname -s` = "Darwin" && test ${BUILD_ENVIRONMENT} = "python-tox" ) ' +
        '|| test ${BUILD_ENVIRONMENT} = "xcode"; then brew update-reset && brew update -q; fi',
    },
    failure: {
      phase: 'install',
      command:
        'if test `uname -s` = "Linux" && test ${BUILD_ENVIRONMENT} = "python-tox"; ' +
        'then sudo apt-get update && sudo apt-get -y install autoconf automake ' +
        'autopoint build-essential flex git libtool patchelf pkg-config python3 ' +
        'python3-dev python3-distutils python3-pip python3-setuptools tox twine; fi',
      exitCode: 127,
      reason:
        'the sh: lines before it test for macOS and do nothing on Linux; sudo is ' +
        'not installed here, and apt-get would need root and the network',
      evidence: /sudo: command not found/,
    },
  },
  'build-images': {
    corpusFile: 'appveyor__build-images__appveyor-build-linux-images.yml',
    branch: 'master',
    files: {
      'scripts/Ubuntu/basicconfig.sh':
        '#!/bin/bash\necho "basicconfig: installs the tools of an AppVeyor image"\n',
    },
    // One of its seven jobs, all alike; each would bake an image if it passed.
    image: 'base-ubuntu-1804-gce-us-central1',
    buildStatus: 'failed',
    exitsZero: { phase: 'init', command: 'appveyor version' },
    failure: {
      phase: 'clone',
      command:
        'curl -fsSL "https://github.com/appveyor/build-images/archive/' +
        '$APPVEYOR_REPO_COMMIT.tar.gz" -o scripts.tar.gz',
      exitCode: 127,
      reason:
        'its clone_script downloads the scripts from GitHub with curl, which is ' +
        'not installed here, and would need the network',
      evidence: /curl: command not found/,
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
      baseImages: operatorBaseImages,
    });
    // Pushed together, as a busy installation would see them: libevtx's 38
    // Windows and macOS jobs, each refused locally, take most of the time.
    await Promise.all(
      Object.entries(expectedResults).map(async ([name, expected]) => {
        const repository = await createCorpusRepository(backend, name, {
          ...expected,
          executables: Object.keys(expected.files).filter(
            (path) => path === 'gradlew' || path.endsWith('.sh'),
          ),
        });
        builds.set(
          name,
          await pushAndWait(backend, repository, expected.branch, 120_000),
        );
      }),
    );
  }, 170_000);

  afterAll(async () => {
    await backend?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const rows = Object.entries(expectedResults);

  it.each(rows)('%s ends with the build status the table names', (name, expected) => {
    expect(builds.get(name)?.status).toBe(expected.buildStatus);
  });

  it.each(rows)(
    '%s runs a command of its config that exits 0',
    async (name, expected) => {
      const { exitsZero, failure } = expected;
      const sharesFailingPhase = exitsZero.phase === failure.phase;
      const phase = linuxJob(name, expected).phases.find(
        (p) => p.phase === exitsZero.phase,
      );
      const lines = (phase ? await phaseLog(phase) : '').split('\n');
      const shown = lines.findIndex(
        (l) => l === exitsZero.command || l.startsWith(`${exitsZero.command} `),
      );
      const stoppedAt = sharesFailingPhase
        ? lines.indexOf(failure.command)
        : lines.length;
      const firstExit = lines.findIndex((l) => l.startsWith('Command exited with code '));

      expect(phase).toMatchObject(
        sharesFailingPhase
          ? { status: 'failed', exitCode: failure.exitCode }
          : { status: 'success', exitCode: 0 },
      );
      expect(shown).toBeGreaterThanOrEqual(0);
      expect(stoppedAt).toBeGreaterThan(shown);
      expect(firstExit === -1 ? lines.length : firstExit).toBeGreaterThanOrEqual(
        stoppedAt,
      );
    },
  );

  it("warns in utilpack's build that Ubuntu1804 is past Canonical's standard support", () => {
    const messages = builds.get('utilpack')?.messages.map((m) => m.message) ?? [];

    expect(messages).toContainEqual(
      expect.stringMatching(/^Ubuntu1804 runs Ubuntu 18\.04, past Canonical's standard/),
    );
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
