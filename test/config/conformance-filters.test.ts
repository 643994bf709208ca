/**
 * Conformance checklist (appveyor-semantics.md §9): matrix, for: blocks,
 * filters and skip markers, and what webhooks decide, as far as the config
 * engine decides them.
 */
import { describe, expect, it } from 'vitest';
import { buildOf, outcomeOf, push, pushWithMessage } from './corpus.ts';

const tag = (name: string) => push({ branch: undefined, tag: name });
const pullRequest = { number: 3, headBranch: 'feature', fromFork: false };

describe('conformance: matrix', () => {
  it('D: fast_finish: true fails the build at the first failed job (flag planned)', () => {
    expect(buildOf('matrix:\n  fast_finish: true\n').fastFinish).toBe(true);
    expect(buildOf('').fastFinish).toBe(false);
  });

  it('D: allow_failures entries (keys os, image, configuration, platform, test_category, env names) let matching jobs fail', () => {
    const yaml = [
      'image: [Ubuntu, Visual Studio 2019]',
      'platform: [x86, x64]',
      'environment:',
      '  matrix:',
      '    - PY: 2',
      '    - PY: 3',
      'matrix:',
      '  allow_failures:',
      '    - image: ubuntu',
      '      platform: x86',
      '    - PY: 2',
    ].join('\n');
    const jobs = buildOf(yaml).jobs;

    expect(
      jobs.map(
        (job) =>
          `${job.image}/${job.buildPlatform}/${job.environment[0]?.value}:${job.allowFailure}`,
      ),
    ).toEqual([
      'Ubuntu/x86/2:true',
      'Ubuntu/x64/2:true',
      'Ubuntu/x86/3:true',
      'Ubuntu/x64/3:false',
      'Visual Studio 2019/x86/2:true',
      'Visual Studio 2019/x64/2:true',
      'Visual Studio 2019/x86/3:false',
      'Visual Studio 2019/x64/3:false',
    ]);
  });

  it('D: exclude removes matching combinations before jobs are created', () => {
    const yaml =
      'platform: [x86, x64]\nconfiguration: [Debug, Release]\nmatrix:\n  exclude:\n    - platform: x86\n      configuration: Debug\n';
    const jobs = buildOf(yaml).jobs;

    expect(
      jobs.map((job) => `${job.id}:${job.buildPlatform}/${job.configuration}`),
    ).toEqual(['1:x86/Release', '2:x64/Debug', '3:x64/Release']);
  });

  it.todo(
    'D: If an allowed-failure job fails and every other job is also allowed to fail, the build fails — issue 5',
  );
});

describe('conformance: for: blocks', () => {
  it('D: for: - matrix: only/except overrides config for matching jobs; env vars merge; listed settings are ignored', () => {
    const yaml = [
      'image: [Ubuntu, Visual Studio 2019]',
      'version: 1.{build}',
      'environment:',
      '  COMMON: 1',
      'build_script:',
      '  - make',
      'for:',
      '  - matrix:',
      '      only:',
      '        - image: Visual Studio 2019',
      '    image: Ubuntu',
      '    version: 9.{build}',
      '    environment:',
      '      COMMON: 2',
      '      WIN: yes',
      '    build_script:',
      '      - msbuild',
      '  - matrix:',
      '      except:',
      '        - image: Visual Studio 2019',
      '    install:',
      '      - apt-get install x',
    ].join('\n');
    const plan = buildOf(yaml);
    const [linux, windows] = plan.jobs;

    expect(plan.versionFormat).toBe('1.{build}');
    expect(windows?.image).toBe('Visual Studio 2019');
    expect(windows?.environment).toEqual([
      { name: 'COMMON', value: '2', secure: false },
      { name: 'WIN', value: 'yes', secure: false },
    ]);
    expect(windows?.phases.map((phase) => phase.commands[0]?.script)).toEqual([
      'msbuild',
    ]);
    expect(linux?.phases.map((phase) => phase.commands[0]?.script)).toEqual([
      'apt-get install x',
      'make',
    ]);
  });

  it('D: branch filters inside a for: matrix block skip that job', () => {
    const yaml =
      'image: [Ubuntu, macos]\nfor:\n  - matrix: { only: [ { image: macos } ] }\n    branches: { only: [release] }\n';

    expect(buildOf(yaml).jobs.map((job) => job.image)).toEqual(['Ubuntu']);
    expect(
      buildOf(yaml, push({ branch: 'release' })).jobs.map((job) => job.image),
    ).toEqual(['Ubuntu', 'macos']);
  });

  it('D: for: - branches: only/except overrides config for matching branches with the documented merge rules (off/none clears lists)', () => {
    const yaml = [
      'environment: { A: 1, B: 1 }',
      'install: [echo base]',
      'deploy_script: [echo deploy]',
      'for:',
      '  - branches: { only: [/^release\\/.*/] }',
      '    environment: { B: 2 }',
      '    deploy_script: off',
      '    configuration: Release',
    ].join('\n');
    const base = buildOf(yaml).jobs[0];
    const release = buildOf(yaml, push({ branch: 'release/2.0' })).jobs[0];

    expect(base?.phases.map((phase) => phase.name)).toEqual(['install', 'deploy_script']);
    expect(release?.configuration).toBe('Release');
    expect(release?.environment.map((v) => `${v.name}=${v.value}`)).toEqual([
      'A=1',
      'B=2',
    ]);
    expect(release?.phases.map((phase) => phase.name)).toEqual([
      'install',
      'deploy_script',
    ]);
    expect(release?.phases[1]?.commands.map((command) => command.script)).toEqual([
      'off',
    ]);
  });

  it('D: Legacy top-level config list selects: only-match → except-non-match → no-branches → no build', () => {
    const yaml = [
      '- branches: { except: [master, dev] }',
      '  image: except-config',
      '- branches: { only: [dev] }',
      '  image: only-config',
      '- image: plain-config',
    ].join('\n');
    const strict = '- branches: { only: [dev] }\n  image: x\n';

    expect(buildOf(yaml, push({ branch: 'dev' })).jobs[0]?.image).toBe('only-config');
    expect(buildOf(yaml, push({ branch: 'feature' })).jobs[0]?.image).toBe(
      'except-config',
    );
    expect(buildOf(yaml, push({ branch: 'master' })).jobs[0]?.image).toBe('plain-config');
    expect(outcomeOf(strict, push({ branch: 'master' }))).toBe(
      "no configuration of the top-level list applies to 'master'",
    );
  });
});

describe('conformance: filters', () => {
  it('D: branches.only/except use /regex/ or case-insensitive equality; apply to tag names; gh-pages excluded by default', () => {
    const only = 'branches:\n  only:\n    - Master\n    - /^v\\d+/\n';

    expect(outcomeOf(only, push({ branch: 'master' }))).toBe('build');
    expect(outcomeOf(only, push({ branch: 'feature' }))).toBe(
      "branch 'feature' is filtered out by branches",
    );
    expect(outcomeOf(only, tag('v1.0'))).toBe('build');
    expect(outcomeOf(only, tag('nightly'))).toBe(
      "tag 'nightly' is filtered out by branches",
    );
    expect(outcomeOf('branches:\n  except: [/^wip-/]\n', push({ branch: 'wip-x' }))).toBe(
      "branch 'wip-x' is filtered out by branches",
    );
    expect(outcomeOf('', push({ branch: 'gh-pages' }))).toBe(
      "branch 'gh-pages' is filtered out by branches",
    );
    expect(
      outcomeOf('branches: { only: [gh-pages] }', push({ branch: 'gh-pages' })),
    ).toBe('build');
  });

  it('D: only does not exclude PRs targeting other branches', () => {
    expect(
      outcomeOf('branches: { only: [master] }', push({ branch: 'develop', pullRequest })),
    ).toBe('build');
  });

  it('D: skip_tags / skip_non_tags behave as named', () => {
    expect(outcomeOf('skip_tags: true', tag('v1'))).toBe('skip_tags is set');
    expect(outcomeOf('skip_tags: true', push())).toBe('build');
    expect(outcomeOf('skip_non_tags: true', push())).toBe('skip_non_tags is set');
    expect(outcomeOf('skip_non_tags: true', tag('v1'))).toBe('build');
  });

  it('D: Commit filters are evaluated on the push head commit (message, author)', () => {
    const yaml = 'skip_commits:\n  author: /bot@/\n  message: /^docs:/\n';
    const bot = push({
      commit: { sha: 'b', message: 'x', author: { name: 'Bot', email: 'bot@ci' } },
    });

    expect(outcomeOf(yaml, bot)).toBe('the commit author matches skip_commits.author');
    expect(outcomeOf(yaml, pushWithMessage('docs: typo'))).toBe(
      'the commit title matches skip_commits.message',
    );
    expect(outcomeOf(yaml, pushWithMessage('fix: bug'))).toBe('build');
  });

  it('D: Message filters and [skip ci]/[ci skip]/[skip appveyor] look at the commit title only; brackets required', () => {
    for (const marker of ['[skip ci]', '[ci skip]', '[skip appveyor]', '[SKIP CI]']) {
      expect(outcomeOf('', pushWithMessage(`Fix ${marker}`))).toBe(
        `the commit title has ${marker.toLowerCase()}`,
      );
    }
    expect(outcomeOf('', pushWithMessage('Fix\n\nbody [skip ci]'))).toBe('build');
    expect(outcomeOf('', pushWithMessage('Fix, skip ci'))).toBe('build');
    expect(
      outcomeOf('skip_commits: { message: wip }', pushWithMessage('Ready\n\nwas wip')),
    ).toBe('build');
    expect(outcomeOf('skip_commits: { message: wip }', pushWithMessage('WIP: x'))).toBe(
      'the commit title matches skip_commits.message',
    );
  });

  it('D: skip_commits.files skips when all changed files match; only_commits.files builds when any matches', () => {
    const skip = "skip_commits:\n  files:\n    - docs/\n    - '**/*.md'\n";
    const only = 'only_commits:\n  files:\n    - src/*\n    - build\\**\\*\n';

    expect(outcomeOf(skip, push({ changedFiles: ['docs/a/b.txt', 'README.md'] }))).toBe(
      'every changed file matches skip_commits.files',
    );
    expect(outcomeOf(skip, push({ changedFiles: ['docs/x.txt', 'src/a.c'] }))).toBe(
      'build',
    );
    expect(outcomeOf(only, push({ changedFiles: ['README.md', 'src/a.c'] }))).toBe(
      'build',
    );
    expect(outcomeOf(only, push({ changedFiles: ['build/x/y.ps1'] }))).toBe('build');
    expect(outcomeOf(only, push({ changedFiles: ['src/deep/a.c', 'README.md'] }))).toBe(
      'the commit matches none of only_commits',
    );
  });

  it('D: APPVEYOR_IGNORE_COMMIT_FILTERING_ON_TAG=true bypasses filters (not skip markers) for tags', () => {
    const yaml = [
      'environment:',
      '  APPVEYOR_IGNORE_COMMIT_FILTERING_ON_TAG: true',
      'skip_tags: true',
      'branches: { only: [master] }',
      'skip_commits: { message: release }',
    ].join('\n');
    const tagged = (message: string) => ({
      ...tag('v1'),
      commit: { ...push().commit, message },
    });

    expect(outcomeOf(yaml, tagged('release 1.0'))).toBe('build');
    expect(outcomeOf(yaml, tagged('release [skip ci]'))).toBe(
      'the commit title has [skip ci]',
    );
  });

  it('D: skip_branch_with_pr: true suppresses branch builds that have an open PR', () => {
    const yaml = 'skip_branch_with_pr: true';

    expect(outcomeOf(yaml, push({ branchHasOpenPullRequest: true }))).toBe(
      'skip_branch_with_pr is set and the branch has an open pull request',
    );
    expect(outcomeOf(yaml, push({ branchHasOpenPullRequest: true, pullRequest }))).toBe(
      'build',
    );
  });

  it.todo(
    'D: Commit filters apply only to webhook builds, not UI/API/scheduled builds — issue 8',
  );
});

describe('conformance: webhooks and statuses', () => {
  it.todo('D: GitHub push → one build for the head commit of the push — issue 4');
  it.todo('D: GitHub tag push → tag build (unless skip_tags) — issue 4');
  it.todo('D: GitHub pull_request → PR build (merge ref) with PR env vars — issue 4');
  it.todo('S: Same-repo PR without skip_branch_with_pr yields two builds — issue 4');
  it.todo('D: Push and PR builds report their own status contexts — issue 4');
  it.todo('S: Skipped commits report no status — issue 4');
  it.todo('G: Branch-deletion push events do not start builds — issue 4');
});

describe('conformance: env vars, API and secure variables', () => {
  it.todo('D: All variables of §3 are present with the documented values — issue 5');
  it.todo('D: APPVEYOR_REPO_BRANCH is the base branch in PR builds — issue 5');
  it.todo(
    'D: SetVariable -Name -Value makes the variable visible to later steps — issue 5',
  );
  it.todo(
    'D: secure: values are decrypted with the owning key in non-PR builds — issue 8',
  );
  it.todo('D: secure: values are not decrypted in PR builds unless allowed — issue 8');
  it.todo('S: Secure values are masked in stored logs — issue 8');
});
