/**
 * Conformance checklist (appveyor-semantics.md §9): custom images, image
 * selection and YAML loading. Every item of those sections is here, named as
 * the checklist states it: a test where the config engine decides it, a comment
 * naming the test elsewhere that covers it, or a pending item with the reason
 * it is not done.
 */
import { describe, expect, it } from 'vitest';
import { platformOfImage } from '../../shared/config/image-platform.ts';
import { locateConfig } from '../../shared/config/locate.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildOf, push } from './corpus.ts';

const rdpHook =
  "iex ((new-object net.webclient).DownloadString('https://raw.githubusercontent.com/appveyor/ci/master/scripts/enable-rdp.ps1'))";
const sshHook =
  "curl -sflL 'https://raw.githubusercontent.com/appveyor/ci/master/scripts/enable-ssh.sh' | bash -e -";

describe('conformance: custom images', () => {
  it('D: Setting `APPVEYOR_BAKE_IMAGE` in `environment` causes the job to bake an image with that name.', () => {
    const plan = buildOf(
      'environment:\n  APPVEYOR_BAKE_IMAGE: node-tools\nimage: Ubuntu2204\n',
    );

    expect(plan.jobs[0]?.bake).toEqual({
      staticName: 'node-tools',
      mayBeSetByScript: false,
    });
  });

  it('D: Setting `APPVEYOR_BAKE_IMAGE` from a script during the job (e.g. `$env:` in `after_build`) causes a bake.', () => {
    const yaml = [
      'after_build:',
      "  - ps: $env:APPVEYOR_BAKE_IMAGE = 'tools-1'",
      'on_success:',
      '  - appveyor SetVariable -Name APPVEYOR_BAKE_IMAGE -Value tools-2',
    ].join('\n');
    const plan = buildOf(yaml);

    expect(plan.jobs[0]?.bake).toEqual({ mayBeSetByScript: true });
  });

  // The run-time half (on_image_bake runs only for a bake): test/infra/definition.test.ts
  // › 'runs on_image_bake after on_success and creates the image after on_finish'.
  it('D: Without `APPVEYOR_BAKE_IMAGE`, no image is baked and `on_image_bake` does not run.', () => {
    const plan = buildOf('build_script:\n  - echo %APPVEYOR_BAKE_IMAGE%\n');

    expect(plan.jobs[0]?.bake).toEqual({ mayBeSetByScript: false });
  });

  // D: `on_image_bake` scripts run when `APPVEYOR_BAKE_IMAGE` is set.
  //   test/infra/definition.test.ts › 'runs on_image_bake after on_success and creates the image after on_finish'
  // D: The clone directory is deleted before the snapshot; files elsewhere survive into the image.
  //   test/images/local-image-store.test.ts › 'snapshots the runner without its clone folder and job state'
  // G: Only `APPVEYOR_BUILD_FOLDER` is deleted (siblings under the projects folder survive).
  //   test/images/local-image-store.test.ts › 'snapshots the runner without its clone folder and job state'
  // D: A later build with `image: <baked-name>` runs on the baked image.
  //   test/e2e/bake.e2e.test.ts › 'lets a second project write the name in another case and find the installed files'
  // D: A baked image can be used by other projects of the same account.
  //   test/e2e/bake.e2e.test.ts › 'lets a second project write the name in another case and find the installed files'

  it('S: A baked image can serve as the base `image:` of another bake.', () => {
    const yaml =
      'image: node-tools\nenvironment:\n  APPVEYOR_BAKE_IMAGE: node-tools-plus\n';
    const job = buildOf(yaml).jobs[0];

    expect([job?.image, job?.bake.staticName]).toEqual(['node-tools', 'node-tools-plus']);
  });

  it.todo(
    'S: A bake can be started via `POST /api/builds` with `environmentVariables.APPVEYOR_BAKE_IMAGE`. — not implemented: Bakehouse has no API that starts builds',
  );
  // S: After a successful bake the name appears in the build cloud's image list.
  //   test/e2e/bake.e2e.test.ts › 'bakes a static APPVEYOR_BAKE_IMAGE as version 1, current'
  // G: A failed job does not bake; the log says why.
  //   test/e2e/bake.e2e.test.ts › 'does not bake a failing job and says why'

  // The run-time order: test/infra/definition.test.ts
  // › 'runs on_image_bake after on_success and creates the image after on_finish'.
  it('G: `on_image_bake` runs after `on_success`/cache save and before `on_finish`.', () => {
    const yaml =
      'on_finish:\n  - echo end\non_image_bake:\n  - echo bake\non_success:\n  - echo ok\n';
    const phases = buildOf(yaml).jobs[0]?.phases.map((phase) => phase.name);

    expect(phases).toEqual(['on_success', 'on_image_bake', 'on_finish']);
  });

  // G: The VM is not sysprepped; it is cleanly shut down before imaging.
  //   test/images/aws-ami-store.int.test.ts › 'creates the image from the runner with a reboot, private and tagged'
  it.todo(
    'G: Baked image boots with the agent auto-started (auto-logon on Windows) and passes a handshake before being published. — not implemented: an image is registered without a boot check',
  );
  // G: Re-baking an existing name replaces it atomically once the new image is ready.
  //   test/images/registry.int.test.ts › 'registers concurrent bakes of one name as distinct versions, the last current'
  //   test/e2e/bake.e2e.test.ts › 'fails the job when the capture fails midway and leaves the previous version current'
  // G: Bakes are not performed for PR builds from forks.
  //   test/images/bake-decision.test.ts › 'never bakes for a pull request from a fork'

  it('D: `$blockRdp = $true` + `enable-rdp.ps1` blocks the bake build until the desktop lock file is deleted. — Bakehouse opens no RDP session: the hook is reported as not run and removed', () => {
    const plan = buildOf(
      `build: off\ntest: off\non_finish:\n  - ps: $blockRdp = $true; ${rdpHook}\n`,
    );

    expect(plan.jobs[0]?.phases).toEqual([]);
    expect(plan.notRun).toMatchObject([
      {
        line: 4,
        message: 'RDP/SSH access hooks are not run by Bakehouse; the line is skipped',
      },
    ]);
  });

  it('D: `APPVEYOR_SSH_BLOCK=true` + `enable-ssh.sh` blocks until `~/build.lock` is deleted; `APPVEYOR_SSH_KEY` is required. — Bakehouse opens no SSH session: the hook is reported as not run and removed', () => {
    const yaml = [
      'image: Ubuntu',
      'build: off',
      'test: off',
      'environment:',
      '  APPVEYOR_SSH_KEY: ssh-ed25519 AAAA',
      '  APPVEYOR_SSH_BLOCK: true',
      'install:',
      `  - sh: ${sshHook}`,
      '  - make',
    ].join('\n');
    const plan = buildOf(yaml);

    expect(plan.jobs[0]?.phases[0]?.commands.map((command) => command.script)).toEqual([
      'make',
    ]);
    expect(plan.notRun).toMatchObject([
      {
        line: 8,
        message: 'RDP/SSH access hooks are not run by Bakehouse; the line is skipped',
      },
    ]);
  });

  // S: Another account referencing the image name gets `Build worker image not found: <name>`.
  //   test/images/resolve.test.ts › 'fails an unknown name with AppVeyor message' (one
  //   installation is one account: a name it has not baked is not found)
});

describe('conformance: image selection', () => {
  it('D: No image configured → `Visual Studio 2015`.', () => {
    expect(buildOf('build_script:\n  - echo hi\n').jobs[0]?.image).toBe(
      'Visual Studio 2015',
    );
  });

  it('D: No image configured → the operator default when one is configured', () => {
    const result = planBuild('build: off\n', push(), { defaultImage: 'Ubuntu2204' });

    expect(result.kind === 'build' && result.jobs[0]?.image).toBe('Ubuntu2204');
  });

  it('D: `image:` string selects one image.', () => {
    const plan = buildOf('image: Ubuntu2004\n');

    expect(plan.jobs.map((job) => [job.image, job.platform])).toEqual([
      ['Ubuntu2004', 'linux'],
    ]);
  });

  it('D: `image:` list creates one job per image (matrix dimension, multiplied with other dimensions).', () => {
    const yaml = [
      'image: [Ubuntu, Visual Studio 2019, macos]',
      'environment:',
      '  matrix:',
      '    - PY: 3.8',
      '    - PY: 3.9',
    ].join('\n');
    const jobs = buildOf(yaml).jobs;

    expect(jobs).toHaveLength(6);
    expect(jobs.map((job) => job.image)).toEqual([
      'Ubuntu',
      'Ubuntu',
      'Visual Studio 2019',
      'Visual Studio 2019',
      'macos',
      'macos',
    ]);
    expect(jobs.map((job) => job.platform)).toEqual([
      'linux',
      'linux',
      'windows',
      'windows',
      'macos',
      'macos',
    ]);
  });

  it('D: `APPVEYOR_BUILD_WORKER_IMAGE` in env (incl. matrix rows) selects the image and overrides YAML/UI.', () => {
    const yaml = [
      'image: Visual Studio 2022',
      'environment:',
      '  matrix:',
      '    - APPVEYOR_BUILD_WORKER_IMAGE: Ubuntu2204',
      '    - appveyor_build_worker_image: macos-monterey',
      '    - OTHER: 1',
    ].join('\n');

    expect(buildOf(yaml).jobs.map((job) => job.image)).toEqual([
      'Ubuntu2204',
      'macos-monterey',
      'Visual Studio 2022',
    ]);
    expect(
      buildOf('image: Ubuntu\nenvironment:\n  APPVEYOR_BUILD_WORKER_IMAGE: macos\n')
        .jobs[0]?.image,
    ).toBe('macos');
  });

  it('D: `APPVEYOR_BUILD_WORKER_CLOUD` / `build_cloud` selects the cloud; env var overrides YAML/UI. — Bakehouse has one fleet: both are reported as not run', () => {
    const plan = buildOf(
      'build_cloud: my-cloud\nenvironment:\n  APPVEYOR_BUILD_WORKER_CLOUD: other\n',
    );

    expect(plan.notRun.map((note) => note.path)).toEqual(
      expect.arrayContaining(['build_cloud', 'environment.APPVEYOR_BUILD_WORKER_CLOUD']),
    );
  });

  it('D: Setting `APPVEYOR_BUILD_WORKER_IMAGE` from a script at build time has no effect.', () => {
    const yaml =
      'image: Ubuntu\ninstall:\n  - appveyor SetVariable -Name APPVEYOR_BUILD_WORKER_IMAGE -Value macos\n';

    expect(buildOf(yaml).jobs.map((job) => [job.image, job.platform])).toEqual([
      ['Ubuntu', 'linux'],
    ]);
  });

  it.todo(
    'D: UI image setting is ignored when `appveyor.yml` is present. — no UI settings in Bakehouse',
  );
  // S: Unknown image → job fails with `Build worker image not found: <name>`.
  //   test/images/resolve.test.ts › 'fails an unknown name with AppVeyor message'
  //   test/e2e/bad-input.e2e.test.ts › 'fails a job whose image is unknown with "Build worker image not found"'

  // Image resolution in any case: test/images/resolve.test.ts
  // › 'finds a custom image written in another case, shown as first written'.
  it('G: Image names match case-insensitively (`macOS` = `macos`, `ubuntu` = `Ubuntu`).', () => {
    expect(['macOS', 'macos', 'Previous macOS'].map(platformOfImage)).toEqual([
      'macos',
      'macos',
      'macos',
    ]);
    expect(['ubuntu', 'Ubuntu2204', 'Previous Ubuntu'].map(platformOfImage)).toEqual([
      'linux',
      'linux',
      'linux',
    ]);
    expect(platformOfImage('Visual Studio 2019')).toBe('windows');
  });

  it('G: a custom image takes the platform the operator knows for it', () => {
    const result = planBuild('image: node-tools\n', push(), {
      imagePlatform: (image) => (image === 'node-tools' ? 'linux' : undefined),
    });

    expect(result.kind === 'build' && result.jobs[0]?.platform).toBe('linux');
  });

  // D: `APPVEYOR_BUILD_WORKER_IMAGE` is exposed in the job with the image name.
  //   test/runners/bash-script.test.ts › "sets AppVeyor's variables and the job's environment"
});

describe('conformance: YAML loading', () => {
  it('D: `appveyor.yml` is looked up before `.appveyor.yml` (then `appveyor.yaml`).', async () => {
    const files: Record<string, string> = {
      '.appveyor.yml': 'b',
      'appveyor.yml': 'a',
      'appveyor.yaml': 'c',
    };
    const found = await locateConfig(async (name) => files[name]);
    const second = await locateConfig(async (name) =>
      name === 'appveyor.yml' ? undefined : files[name],
    );

    expect([found?.file, second?.file]).toEqual(['appveyor.yml', '.appveyor.yml']);
  });

  it.todo(
    'D: `appveyor.yml` is looked up before `.appveyor.yml`; a custom name/URL may be configured. — the custom name/URL part: no project settings in Bakehouse',
  );
  // D: YAML is read through the provider API before the VM is provisioned.
  //   test/pipeline/tasks.int.test.ts › 'loads a config into jobs, numbers the build, and answers a repeat the same'

  it('D: Empty YAML is valid.', () => {
    for (const yaml of ['', '# only a comment\n', '---\n']) {
      const plan = buildOf(yaml);
      expect(plan.jobs.map((job) => job.image)).toEqual(['Visual Studio 2015']);
    }
  });

  it('D: YAML section names are case-sensitive; tabs are invalid.', () => {
    const plan = buildOf('Build_Script:\n  - echo hi\n');
    const tabs = planBuild('install:\n\t- echo hi\n', push());

    expect(plan.jobs[0]?.phases).toEqual([]);
    expect(plan.warnings.map((warning) => warning.message)).toEqual([
      'Unknown key "Build_Script" is ignored',
    ]);
    expect(tabs.kind).toBe('rejected');
    expect(tabs.kind === 'rejected' && tabs.errors[0]?.line).toBe(2);
  });

  // The commit-status half: test/github/commit-status.test.ts
  // › "says AppVeyor's parse error when the config was rejected".
  it('S: Parse errors fail the build with `Error parsing appveyor.yml: … (Line: L, Column: C)` and the commit status mentions it.', () => {
    const wrongType = planBuild('version: 1.0.{build}\nclone_depth: deep\n', push());
    const duplicate = planBuild('install:\n  - a\ninstall:\n  - b\n', push());

    expect(wrongType).toEqual({
      kind: 'rejected',
      errors: [
        {
          file: 'appveyor.yml',
          message:
            'Error parsing appveyor.yml: "clone_depth" value must be an integer (Line: 2, Column: 14)',
          line: 2,
          column: 14,
          path: 'clone_depth',
        },
      ],
    });
    expect(duplicate.kind === 'rejected' && duplicate.errors[0]?.message).toBe(
      "Error parsing appveyor.yml: Duplicate key 'install' (Line: 3, Column: 1)",
    );
  });

  it('reads anchors, aliases and merge keys, and CRLF line endings', () => {
    const yaml = [
      'environment:',
      '  matrix:',
      '    - &base { PY: "3.8", ARCH: x64 }',
      '    - <<: *base',
      '      PY: "3.9"',
      'install:',
      '  - &step echo one',
      '  - *step',
    ].join('\r\n');
    const jobs = buildOf(yaml).jobs;

    expect(jobs.map((job) => job.environment.map((v) => `${v.name}=${v.value}`))).toEqual(
      [
        ['PY=3.8', 'ARCH=x64'],
        ['PY=3.9', 'ARCH=x64'],
      ],
    );
    expect(jobs[0]?.phases[0]?.commands.map((command) => command.script)).toEqual([
      'echo one',
      'echo one',
    ]);
  });

  it('reads a top-level list of branch configurations', () => {
    const yaml = [
      '- branches: { only: [master] }',
      '  image: Ubuntu',
      '- image: Visual Studio 2019',
    ].join('\n');

    expect(buildOf(yaml).jobs[0]?.image).toBe('Ubuntu');
    expect(buildOf(yaml, push({ branch: 'dev' })).jobs[0]?.image).toBe(
      'Visual Studio 2019',
    );
  });

  it('reads yes/no/on/off as booleans only where a boolean is expected', () => {
    const yaml = [
      'shallow_clone: yes',
      'matrix:',
      '  fast_finish: on',
      'environment:',
      '  FLAG: yes',
      '  MODE: 0755',
      'deploy:',
      '  provider: GitHub',
      '  on:',
      '    branch: master',
    ].join('\n');
    const plan = buildOf(yaml);

    expect(plan.fastFinish).toBe(true);
    expect(plan.jobs[0]?.shallowClone).toBe(true);
    expect(plan.jobs[0]?.environment).toEqual([
      { name: 'FLAG', value: 'yes', secure: false },
      { name: 'MODE', value: '0755', secure: false },
    ]);
    expect(plan.notRun.map((note) => note.message)).toContain(
      'Deployment provider "GitHub" is not run: deployments are out of scope',
    );
  });

  it('keeps secure values as ciphertext, flagged secure', () => {
    const plan = buildOf(
      'environment:\n  TOKEN:\n    secure: QmFrZWhvdXNl\n  PLAIN: x\n',
    );

    expect(plan.jobs[0]?.environment).toEqual([
      { name: 'TOKEN', value: 'QmFrZWhvdXNl', secure: true },
      { name: 'PLAIN', value: 'x', secure: false },
    ]);
  });

  // S: Missing YAML → UI settings used; with "Skip branches without appveyor.yml" → no build.
  //   test/pipeline/tasks.int.test.ts › 'skips a commit that has no appveyor.yml, recording why'
  //   (Bakehouse has no UI settings: it always skips, as with that option)
  it.todo(
    'D: UI env vars merge with YAML env vars, UI wins on conflict; notifications merge; version format falls back to UI. — no UI settings in Bakehouse',
  );
});
