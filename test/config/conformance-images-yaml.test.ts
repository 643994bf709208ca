/**
 * Conformance checklist (appveyor-semantics.md §9): custom images, image
 * selection and YAML loading, as far as the config engine decides them.
 */
import { describe, expect, it } from 'vitest';
import { platformOfImage } from '../../shared/config/image-platform.ts';
import { locateConfig } from '../../shared/config/locate.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildOf, push } from './corpus.ts';

describe('conformance: custom images (plan part)', () => {
  it('D: Setting APPVEYOR_BAKE_IMAGE in environment causes the job to bake an image with that name', () => {
    const plan = buildOf(
      'environment:\n  APPVEYOR_BAKE_IMAGE: node-tools\nimage: Ubuntu2204\n',
    );

    expect(plan.jobs[0]?.bake).toEqual({
      staticName: 'node-tools',
      mayBeSetByScript: false,
    });
  });

  it('D: Setting APPVEYOR_BAKE_IMAGE from a script during the job (e.g. $env: in after_build) causes a bake', () => {
    const yaml = [
      'after_build:',
      "  - ps: $env:APPVEYOR_BAKE_IMAGE = 'tools-1'",
      'on_success:',
      '  - appveyor SetVariable -Name APPVEYOR_BAKE_IMAGE -Value tools-2',
    ].join('\n');
    const plan = buildOf(yaml);

    expect(plan.jobs[0]?.bake).toEqual({ mayBeSetByScript: true });
  });

  it('D: Without APPVEYOR_BAKE_IMAGE, no image is baked (no static name, no script sets it)', () => {
    const plan = buildOf('build_script:\n  - echo %APPVEYOR_BAKE_IMAGE%\n');

    expect(plan.jobs[0]?.bake).toEqual({ mayBeSetByScript: false });
  });

  it('D: on_image_bake scripts are planned as their own phase, after on_failure and before on_finish', () => {
    const yaml =
      'on_finish:\n  - echo end\non_image_bake:\n  - echo bake\non_success:\n  - echo ok\n';
    const phases = buildOf(yaml).jobs[0]?.phases.map((phase) => phase.name);

    expect(phases).toEqual(['on_success', 'on_image_bake', 'on_finish']);
  });

  it('S: A baked image can serve as the base image: of another bake', () => {
    const yaml =
      'image: node-tools\nenvironment:\n  APPVEYOR_BAKE_IMAGE: node-tools-plus\n';
    const job = buildOf(yaml).jobs[0];

    expect([job?.image, job?.bake.staticName]).toEqual(['node-tools', 'node-tools-plus']);
  });

  it.todo('D: on_image_bake scripts run when APPVEYOR_BAKE_IMAGE is set — issue 6');
  it.todo(
    'D: The clone directory is deleted before the snapshot; files elsewhere survive — issue 6',
  );
  it.todo('G: Only APPVEYOR_BUILD_FOLDER is deleted (siblings survive) — issue 6');
  it.todo('D: A later build with image: <baked-name> runs on the baked image — issue 6');
  it.todo('D: A baked image can be used by other projects of the same account — issue 6');
  it.todo('S: After a successful bake the name appears in the image list — issue 6');
  it.todo('G: A failed job does not bake; the log says why — issue 6');
  it.todo(
    'G: on_image_bake runs after on_success/cache save and before on_finish — issue 6',
  );
  it.todo('G: Re-baking an existing name replaces it atomically once ready — issue 6');
  it.todo('G: Bakes are not performed for PR builds from forks — issue 6');
  it.todo('S: A bake can be started through the API with APPVEYOR_BAKE_IMAGE — issue 8');
  it.todo(
    'S: Another account referencing the image gets Build worker image not found — issue 6',
  );
});

describe('conformance: image selection', () => {
  it('D: No image configured → Visual Studio 2015', () => {
    expect(buildOf('build_script:\n  - echo hi\n').jobs[0]?.image).toBe(
      'Visual Studio 2015',
    );
  });

  it('D: No image configured → the operator default when one is configured', () => {
    const result = planBuild('build: off\n', push(), { defaultImage: 'Ubuntu2204' });

    expect(result.kind === 'build' && result.jobs[0]?.image).toBe('Ubuntu2204');
  });

  it('D: image: string selects one image', () => {
    const plan = buildOf('image: Ubuntu2004\n');

    expect(plan.jobs.map((job) => [job.image, job.platform])).toEqual([
      ['Ubuntu2004', 'linux'],
    ]);
  });

  it('D: image: list creates one job per image (matrix dimension, multiplied with other dimensions)', () => {
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

  it('D: APPVEYOR_BUILD_WORKER_IMAGE in env (incl. matrix rows) selects the image and overrides YAML/UI', () => {
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

  it('D: build_cloud is accepted and reported as not run (Bakehouse has one fleet)', () => {
    const plan = buildOf('build_cloud: my-cloud\n');

    expect(plan.notRun.map((note) => note.path)).toContain('build_cloud');
  });

  it('G: Image names match case-insensitively (macOS = macos, ubuntu = Ubuntu) for the platform', () => {
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

  it.todo(
    'D: Setting APPVEYOR_BUILD_WORKER_IMAGE from a script at build time has no effect — issue 5',
  );
  it.todo(
    'S: Unknown image → job fails with Build worker image not found: <name> — issue 6',
  );
  it.todo(
    'D: APPVEYOR_BUILD_WORKER_IMAGE is exposed in the job with the image name — issue 5',
  );
  it.todo('D: UI image setting is ignored when appveyor.yml is present — issue 4');
});

describe('conformance: YAML loading', () => {
  it('D: appveyor.yml is looked up before .appveyor.yml (then appveyor.yaml)', async () => {
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

  it('D: Empty YAML is valid', () => {
    for (const yaml of ['', '# only a comment\n', '---\n']) {
      const plan = buildOf(yaml);
      expect(plan.jobs.map((job) => job.image)).toEqual(['Visual Studio 2015']);
    }
  });

  it('D: YAML section names are case-sensitive; tabs are invalid', () => {
    const plan = buildOf('Build_Script:\n  - echo hi\n');
    const tabs = planBuild('install:\n\t- echo hi\n', push());

    expect(plan.jobs[0]?.phases).toEqual([]);
    expect(plan.warnings.map((warning) => warning.message)).toEqual([
      'Unknown key "Build_Script" is ignored',
    ]);
    expect(tabs.kind).toBe('rejected');
    expect(tabs.kind === 'rejected' && tabs.errors[0]?.line).toBe(2);
  });

  it('S: Parse errors fail the build with Error parsing appveyor.yml: … (Line: L, Column: C)', () => {
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

  it.todo(
    'D: YAML is read through the provider API before the VM is provisioned — issue 4',
  );
  it.todo('S: Missing YAML → UI settings used; or no build when configured so — issue 4');
  it.todo('D: UI env vars merge with YAML env vars, UI wins on conflict — issue 8');
});
