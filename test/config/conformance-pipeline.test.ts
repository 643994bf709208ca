/**
 * Conformance checklist (appveyor-semantics.md §9): scripts and pipeline, and
 * clone, cache and versioning, as far as the config engine decides them.
 */
import { describe, expect, it } from 'vitest';
import { expandVersion } from '../../shared/config/version.ts';
import { buildOf, push } from './corpus.ts';

const everyPhase = [
  'on_finish',
  'on_failure',
  'on_success',
  'after_deploy',
  'deploy_script',
  'before_deploy',
  'after_test',
  'test_script',
  'before_test',
  'after_build',
  'build_script',
  'before_build',
  'install',
  'clone_script',
  'init',
]
  .map((key) => `${key}:\n  - echo ${key}`)
  .join('\n');

const appveyorOrder = [
  'init',
  'clone',
  'install',
  'before_build',
  'build_script',
  'after_build',
  'before_test',
  'test_script',
  'after_test',
  'before_deploy',
  'deploy_script',
  'after_deploy',
  'on_success',
  'on_failure',
  'on_finish',
];

const mixed =
  'install:\n  - plain\n  - cmd: batch\n  - sh: shell\n  - ps: windows-ps\n  - pwsh: core\n';

function shells(image: string) {
  const job = buildOf(`image: ${image}\n${mixed}`).jobs[0];

  return job?.phases[0]?.commands.map((command) => `${command.shell}:${command.script}`);
}

describe('conformance: scripts and pipeline', () => {
  it('D: Windows order: init → clone → install → build → test → deploy → on_success | on_failure → on_finish', () => {
    const phases = buildOf(`image: Visual Studio 2019\n${everyPhase}`).jobs[0]?.phases;

    expect(phases?.map((phase) => phase.name)).toEqual(appveyorOrder);
  });

  it('D: Linux order: init → clone → install → build → test → deploy → on_success/on_failure → on_finish', () => {
    const phases = buildOf(`image: Ubuntu2204\n${everyPhase}`).jobs[0]?.phases;

    expect(phases?.map((phase) => phase.name)).toEqual(appveyorOrder);
  });

  it('D: Plain script line = cmd on Windows, bash on Linux', () => {
    expect(shells('Visual Studio 2019')?.[0]).toBe('cmd:plain');
    expect(shells('Ubuntu')?.[0]).toBe('bash:plain');
  });

  it('D: cmd: runs on Windows only; sh: on Linux only', () => {
    expect(shells('Visual Studio 2019')).toEqual([
      'cmd:plain',
      'cmd:batch',
      'ps:windows-ps',
      'pwsh:core',
    ]);
    expect(shells('Ubuntu')).toEqual([
      'bash:plain',
      'sh:shell',
      'ps:windows-ps',
      'pwsh:core',
    ]);
  });

  it('D: ps: = Windows PowerShell on Windows, PowerShell Core on Linux; pwsh: = PowerShell Core', () => {
    expect(shells('macos')).toEqual([
      'bash:plain',
      'sh:shell',
      'ps:windows-ps',
      'pwsh:core',
    ]);
    const disabled = buildOf(
      `image: Ubuntu\nenvironment:\n  APPVEYOR_YML_DISABLE_PS_LINUX: true\n${mixed}`,
    );
    expect(disabled.jobs[0]?.phases[0]?.commands.map((command) => command.shell)).toEqual(
      ['bash', 'sh', 'pwsh'],
    );
  });

  it('keeps the line and column of each command', () => {
    const command = buildOf('install:\n  - echo one\n  - ps: |\n      Write-Host two\n')
      .jobs[0]?.phases[0]?.commands[1];

    expect(command).toEqual({
      shell: 'ps',
      script: 'Write-Host two\n',
      line: 3,
      column: 9,
    });
  });

  it('D: build: off / test: off / deploy: off disable the phases; build_script/test_script/deploy_script replace the automatic behaviour', () => {
    const off = buildOf('build: off\ntest: off\ndeploy: off\n');
    const auto = buildOf('install:\n  - echo hi\n');
    const scripted = buildOf('build_script:\n  - make\ntest_script:\n  - make test\n');

    expect(off.notRun).toEqual([]);
    expect(auto.notRun.map((note) => note.message)).toEqual([
      "No build_script and build is not off: MSBuild's automatic build is not run",
      'No test_script and test is not off: automatic test discovery is not run',
    ]);
    expect(scripted.notRun).toEqual([]);
    expect(scripted.jobs[0]?.phases.map((phase) => phase.name)).toEqual([
      'build_script',
      'test_script',
    ]);
  });

  it('D: Deploy phase (incl. before/after_deploy) is skipped in PR builds by default', () => {
    const yaml =
      'build: off\nbefore_deploy: [a]\ndeploy_script: [b]\nafter_deploy: [c]\non_finish: [d]\n';
    const pullRequest = { number: 7, headBranch: 'feature', fromFork: false };

    expect(buildOf(yaml).jobs[0]?.phases.map((phase) => phase.name)).toEqual([
      'before_deploy',
      'deploy_script',
      'after_deploy',
      'on_finish',
    ]);
    expect(
      buildOf(yaml, push({ pullRequest })).jobs[0]?.phases.map((phase) => phase.name),
    ).toEqual(['on_finish']);
  });

  it('reports RDP/SSH hooks as not run and drops a hook line', () => {
    const rdp =
      "iex ((new-object net.webclient).DownloadString('https://raw.githubusercontent.com/appveyor/ci/master/scripts/enable-rdp.ps1'))";
    const plan = buildOf(`init:\n  - ps: ${rdp}\n  - echo kept\n`);

    expect(plan.jobs[0]?.phases[0]?.commands.map((command) => command.script)).toEqual([
      'echo kept',
    ]);
    expect(plan.notRun[0]?.message).toMatch(/^RDP\/SSH access hooks are not run/);
  });

  it.todo(
    'D: cmd lines are exit-code checked one by one; first non-zero fails the build — issue 5',
  );
  it.todo(
    'D: A PowerShell step fails only on a terminating error unless the script opts in — issue 5',
  );
  it.todo('D: Linux exit 0 / exit N / false end the job as documented — issue 5');
  it.todo(
    'D: appveyor exit / Exit-AppveyorBuild ends green and still runs finalizers — issue 5',
  );
  it.todo(
    'D: Env var and working-directory changes persist across steps of the same job — issue 5',
  );
  it.todo('D: On Linux env vars and cwd are exchanged between bash and pwsh — issue 5');
  it.todo('D: Job time limit 60 min; private clouds may raise it — issue 5');
});

describe('conformance: clone, cache, versioning', () => {
  it('D: clone_folder overrides the default clone path', () => {
    expect(buildOf('clone_folder: c:\\projects\\app\n').jobs[0]?.cloneFolder).toBe(
      'c:\\projects\\app',
    );
  });

  it('D: clone_depth limits history; shallow_clone: true downloads a zip and ignores clone_depth', () => {
    const depth = buildOf('clone_depth: 5\n').jobs[0];
    const shallow = buildOf('clone_depth: 5\nshallow_clone: true\n').jobs[0];

    expect([depth?.cloneDepth, depth?.shallowClone]).toEqual([5, false]);
    expect([shallow?.cloneDepth, shallow?.shallowClone]).toEqual([undefined, true]);
  });

  it('D: path -> deps invalidates the entry when any dependency changes (entries parsed)', () => {
    const yaml =
      "cache:\n  - node_modules -> package.json, yarn.lock\n  - '%LOCALAPPDATA%\\pip'\n";

    expect(buildOf(yaml).jobs[0]?.cache).toEqual([
      { path: 'node_modules', dependsOn: ['package.json', 'yarn.lock'] },
      { path: '%LOCALAPPDATA%\\pip', dependsOn: [] },
    ]);
  });

  it('D: version expands {build} and {branch}', () => {
    const plan = buildOf('version: 1.0.{build}-{branch}\n');

    expect(plan.versionFormat).toBe('1.0.{build}-{branch}');
    expect(expandVersion(plan.versionFormat, { build: 42, branch: 'main' })).toBe(
      '1.0.42-main',
    );
    expect(buildOf('').versionFormat).toBe('1.0.{build}');
  });

  it('rejects a version with characters AppVeyor refuses', () => {
    const result = buildOf.bind(undefined, 'version: 1.0.{build}:x\n');

    expect(result).toThrow(/cannot contain request path invalid characters/);
  });

  it('S: With pull_requests.do_not_increment_build_number, PR builds are flagged not to consume a number', () => {
    const plan = buildOf('pull_requests:\n  do_not_increment_build_number: true\n');

    expect(plan.doNotIncrementBuildNumberOnPullRequests).toBe(true);
  });

  it.todo('D: PR builds check out the merge ref of the PR — issue 5');
  it.todo(
    'D: Cache entries restore after clone and save after successful builds only — issue 5',
  );
  it.todo('D: PR builds do not save cache by default — issue 5');
  it.todo('D: duplicate versions are rejected — issue 3');
  it.todo('D: Every build increments the build number — issue 3');
  it.todo('S: PR versions get a random suffix and do not consume a number — issue 3');
});
