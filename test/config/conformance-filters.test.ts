/**
 * Conformance checklist (appveyor-semantics.md §9): matrix, for: blocks,
 * filters and skip markers, webhooks and statuses, env vars, API and secure
 * variables. Every item of those sections is here, named as the checklist
 * states it: a test where the config engine decides it, a comment naming the
 * test elsewhere that covers it, or a pending item with the reason it is not
 * done.
 */
import { describe, expect, it } from 'vitest';
import { buildOf, outcomeOf, push, pushWithMessage } from './corpus.ts';

const tag = (name: string) => push({ branch: undefined, tag: name });
const pullRequest = { number: 3, headBranch: 'feature', fromFork: false };

describe('conformance: matrix', () => {
  // The run-time half: test/pipeline/tasks.int.test.ts
  // › 'stops the matrix under fast_finish and cancels the jobs that never finished'.
  it('D: `fast_finish: true` fails the build at the first failed job.', () => {
    expect(buildOf('matrix:\n  fast_finish: true\n').fastFinish).toBe(true);
    expect(buildOf('').fastFinish).toBe(false);
  });

  it('D: `allow_failures` entries (keys `os`, `image`, `configuration`, `platform`, `test_category`, env names) let matching jobs fail.', () => {
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

  it('D: `exclude` removes matching combinations before jobs are created.', () => {
    const yaml =
      'platform: [x86, x64]\nconfiguration: [Debug, Release]\nmatrix:\n  exclude:\n    - platform: x86\n      configuration: Debug\n';
    const jobs = buildOf(yaml).jobs;

    expect(
      jobs.map((job) => `${job.id}:${job.buildPlatform}/${job.configuration}`),
    ).toEqual(['1:x86/Release', '2:x64/Debug', '3:x64/Release']);
  });

  // D: If an allowed-failure job fails and every other job is also an allowed failure, the build fails.
  //   test/pipeline/tasks.int.test.ts › 'fails a build whose every job may fail when one of them fails'
});

describe('conformance: for: blocks', () => {
  it('D: `for: - matrix: only/except` overrides config for matching jobs; env vars merge; listed settings are ignored.', () => {
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

  it('D: branch filters inside a `for: - matrix:` block skip that job', () => {
    const yaml =
      'image: [Ubuntu, macos]\nfor:\n  - matrix: { only: [ { image: macos } ] }\n    branches: { only: [release] }\n';

    expect(buildOf(yaml).jobs.map((job) => job.image)).toEqual(['Ubuntu']);
    expect(
      buildOf(yaml, push({ branch: 'release' })).jobs.map((job) => job.image),
    ).toEqual(['Ubuntu', 'macos']);
  });

  it('D: `for: - branches: only/except` overrides config for matching branches with the documented merge rules (`off`/`none` clears lists).', () => {
    const yaml = [
      'environment: { A: 1, B: 1 }',
      'install: [echo base]',
      'deploy_script: [echo deploy]',
      'deploy:',
      '  - provider: Local',
      'notifications:',
      '  - provider: Email',
      'for:',
      '  - branches: { only: [/^release\\/.*/] }',
      '    environment: { B: 2 }',
      '    deploy_script: [echo release]',
      '    configuration: Release',
      '    deploy: off',
      '    notifications:',
      '      provider: Slack',
      '  - branches: { only: [dev] }',
      '    deploy: none',
    ].join('\n');
    const notes = (branch: string) =>
      buildOf(yaml, push({ branch })).notRun.flatMap((note) =>
        note.path === 'deploy[0]' || note.path === 'notifications'
          ? [`${note.line}:${note.path}`]
          : [],
      );
    const base = buildOf(yaml).jobs[0];
    const release = buildOf(yaml, push({ branch: 'release/2.0' })).jobs[0];

    expect(base?.phases.map((phase) => phase.commands[0]?.script)).toEqual([
      'echo base',
      'echo deploy',
    ]);
    expect(release?.configuration).toBe('Release');
    expect(release?.environment.map((v) => `${v.name}=${v.value}`)).toEqual([
      'A=1',
      'B=2',
    ]);
    expect(release?.phases.map((phase) => phase.commands[0]?.script)).toEqual([
      'echo base',
      'echo release',
    ]);
    expect(notes('master')).toEqual(['5:deploy[0]', '6:notifications']);
    expect(notes('release/2.0')).toEqual(['14:notifications']);
    expect(notes('dev')).toEqual(['6:notifications']);
  });

  it('D: Legacy top-level config list selects: only-match → except-non-match → no-branches → no build.', () => {
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
  it('D: `branches.only/except` use `/regex/` or case-insensitive equality; apply to tag names; `gh-pages` excluded by default.', () => {
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

  it('D: `only` does not exclude PRs targeting other branches.', () => {
    expect(
      outcomeOf('branches: { only: [master] }', push({ branch: 'develop', pullRequest })),
    ).toBe('build');
  });

  it('D: `skip_tags` / `skip_non_tags` behave as named.', () => {
    expect(outcomeOf('skip_tags: true', tag('v1'))).toBe('skip_tags is set');
    expect(outcomeOf('skip_tags: true', push())).toBe('build');
    expect(outcomeOf('skip_non_tags: true', push())).toBe('skip_non_tags is set');
    expect(outcomeOf('skip_non_tags: true', tag('v1'))).toBe('build');
  });

  // The head commit's files: test/webhook/classify.test.ts
  // › 'gives a push the files of its head commit only, as commit filters read them'.
  it('D: Commit filters are evaluated on the push head commit and only for webhook builds. — the head commit; every Bakehouse build comes from a webhook', () => {
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

  it('D: Message filters and `[skip ci]`/`[ci skip]`/`[skip appveyor]` look at the commit title only; brackets required.', () => {
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

  it('D: `skip_commits.files` skips when all changed files match; `only_commits.files` builds when any matches.', () => {
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

  it('D: `APPVEYOR_IGNORE_COMMIT_FILTERING_ON_TAG=true` bypasses filters (not skip markers) for tags.', () => {
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

  it('D: `skip_branch_with_pr: true` suppresses branch builds that have an open PR.', () => {
    const yaml = 'skip_branch_with_pr: true';

    expect(outcomeOf(yaml, push({ branchHasOpenPullRequest: true }))).toBe(
      'skip_branch_with_pr is set and the branch has an open pull request',
    );
    expect(outcomeOf(yaml, push({ branchHasOpenPullRequest: true, pullRequest }))).toBe(
      'build',
    );
  });
});

describe('conformance: webhooks and statuses', () => {
  // D: GitHub push → one build for the head commit of the push.
  //   test/webhook/github-examples.test.ts › 'states the branch, head commit and changed files of a branch push'
  // D: GitHub tag push → tag build (unless `skip_tags`).
  //   test/webhook/github-examples.test.ts › 'requests a build of push example $i, or ignores it when it deletes its ref'
  //   and above › 'D: `skip_tags` / `skip_non_tags` behave as named.'
  // D: GitHub pull_request → PR build (merge ref) with PR env vars.
  //   test/webhook/github-examples.test.ts › 'requests a merge build of pull_request example $i only when it is opened, synchronized or reopened'
  //   test/runners/bash-script.test.ts › 'sets the tag and pull-request variables of such builds'

  it('S: Same-repo PR without `skip_branch_with_pr` yields two builds (branch + PR).', () => {
    const branchPush = push({ branch: 'feature', branchHasOpenPullRequest: true });
    const ofPullRequest = push({ branch: 'master', pullRequest });

    expect([outcomeOf('', branchPush), outcomeOf('', ofPullRequest)]).toEqual([
      'build',
      'build',
    ]);
  });

  // D: Push builds report status context `continuous-integration/appveyor/branch`; PR builds
  //   `continuous-integration/appveyor/pr`; context customizable per project.
  //   test/github/commit-status.test.ts › 'posts pending when a branch build starts and success when it finishes'
  //   test/github/commit-status.test.ts › 'posts a pull request build on its head commit under the pr context'
  //   (no UI settings in Bakehouse: the context is not customizable)
  // S: Skipped commits report no status.
  //   test/github/commit-status.test.ts › 'posts nothing for a skipped build'
  it.todo(
    'D: Rolling builds (UI) cancel queued/running builds of the same branch/PR when a new commit arrives. — not implemented: no UI settings in Bakehouse',
  );
  // G: Branch-deletion push events do not start builds.
  //   test/webhook/accept-delivery.test.ts › 'ignores a push whose after is all zeros even without deleted: true'
  //   test/webhook/github-examples.test.ts › 'requests a build of push example $i, or ignores it when it deletes its ref'
});

describe('conformance: env vars, API and secure variables', () => {
  // D: All variables in §3 are present with the documented values (`True` on Windows / `true`
  //   on Linux for `APPVEYOR`, `CI`).
  //   test/runners/bash-script.test.ts › "sets AppVeyor's variables and the job's environment"
  // D: `APPVEYOR_REPO_BRANCH` is the base branch in PR builds.
  //   test/webhook/github-examples.test.ts › 'requests a merge build of pull_request example $i only when it is opened, synchronized or reopened'
  //   test/runners/bash-script.test.ts › "sets AppVeyor's variables and the job's environment"
  // D: `APPVEYOR_REPO_TAG`/`APPVEYOR_REPO_TAG_NAME` set only for tag builds.
  //   test/runners/bash-script.test.ts › "sets AppVeyor's variables and the job's environment"
  //   test/runners/bash-script.test.ts › 'sets the tag and pull-request variables of such builds'
  it.todo(
    'D: `APPVEYOR_API_URL` points at a localhost agent API. — not implemented: runners have no build worker REST API',
  );
  // D: `AddMessage` accepts message, category (Information/Warning/Error), details.
  //   test/runners/bash-script.test.ts › 'records messages added with AddMessage'
  // D: `SetVariable -Name -Value` makes the variable visible to later steps.
  //   test/runners/bash-script.test.ts › 'makes SetVariable visible to later commands and phases, in both forms'
  it.todo(
    'D: `AddTest`/`UpdateTest` single and batch endpoints with the documented fields; update matches by test name. — not implemented: no test results',
  );
  // D: `PushArtifact` returns an upload URL; file then uploaded; artifact listed with name/type.
  //   test/runners/bash-artifacts.test.ts › 'stores the file in the job store and reports its name, type and size'
  //   test/artifacts/s3-artifact-store.int.test.ts › 'takes a file the bash runner posts with curl, and gives it back by presigned GET'
  //   test/operations/artifacts.e2e.test.ts › "lists the build's artifacts job by job: pushed ones, then collected ones"
  it.todo(
    'D: `UpdateBuild -Version` changes the build version; duplicates fail. — not implemented: the appveyor command knows SetVariable, AddMessage, PushArtifact, version and exit only',
  );
  it.todo(
    'D: `AddCompilationMessage` accepts file/line/column/project fields. — not implemented: the appveyor command knows SetVariable, AddMessage, PushArtifact, version and exit only',
  );

  // D: `secure:` values are decrypted with the owning account's key in non-PR builds.
  //   test/secrets/secure-build.e2e.test.ts › 'succeeds, and the command output shows *** for the value'
  //   test/secrets/runner-script.test.ts › 'gives the runner the ciphertext of a push build'
  // D: `secure:` values are not decrypted in PR builds (variable empty) unless the UI setting
  //   allows same-repo PRs (public) / all PRs (private).
  //   test/secrets/runner-script.test.ts › 'decrypts same-repository pull requests only when the operator allows them'
  //   test/secrets/runner-script.test.ts › 'leaves the variable empty for a pull request from a fork, without the ciphertext'
  // D: Ciphertext is account-specific.
  //   test/secrets/runner-script.test.ts › 'refuses a value encrypted for the other world, saying so'
  //   (one installation is one account, with its own key)
  // S: Secure values are masked in stored logs; G: also in the live log.
  //   test/secrets/secure-build.e2e.test.ts › 'writes the value to no log line, commit statuses included'
  //   test/secrets/runner-script.test.ts › 'gives commands the value, and prints *** wherever it appears'
  //   (the runner masks its output before it is streamed, so the live log is masked too)
});
