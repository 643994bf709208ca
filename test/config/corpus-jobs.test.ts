/**
 * The jobs planned for real appveyor.yml files of the corpus: for each file,
 * every job's image, platform and the first line of each phase's first
 * command, compared in full.
 */
import { describe, expect, it } from 'vitest';
import type { BuildPlan, Trigger } from '../../shared/config/plan.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { corpusText, jobSummary, push } from './corpus.ts';

function plannedJobs(file: string, trigger: Trigger = push()) {
  const result = planBuild(corpusText(file), trigger, { file });
  expect(result.kind, JSON.stringify(result)).toBe('build');

  return (result as BuildPlan).jobs.map(jobSummary);
}

const vs2015 = 'Visual Studio 2015';

describe('planBuild jobs of corpus files', () => {
  it('plans Azure/DotNetty as one Visual Studio 2019 job running build.ps1 through cmd', () => {
    expect(plannedJobs('Azure__DotNetty__appveyor.yaml')).toEqual([
      {
        image: 'Visual Studio 2019',
        platform: 'windows',
        phases: { build_script: 'cmd: powershell .\\build.ps1 --target=PR' },
      },
    ]);
  });

  it('plans PowerShell/PSScriptAnalyzer as one Ubuntu job of ps phases', () => {
    const ps = "ps: if ($env:PowerShellEdition -eq 'WindowsPowerShell')";
    const folder = ['$', '{env:APPVEYOR_BUILD_FOLDER}'].join('');

    expect(plannedJobs('PowerShell__PSScriptAnalyzer__appveyor.yml')).toEqual([
      {
        image: 'Ubuntu',
        platform: 'linux',
        phases: {
          install: `${ps} { Import-Module .\\tools\\appveyor.psm1; Invoke-AppveyorInstall }`,
          build_script: "ps: if ( $env:PowerShellEdition -eq 'WindowsPowerShell' ) {",
          test_script: `${ps} {`,
          on_finish: `ps: Import-Module "${folder}\\tools\\appveyor.psm1"; Invoke-AppveyorFinish`,
        },
      },
    ]);
  });

  it('plans SimonCropp/Argon as one job per listed image, on three platforms', () => {
    const phases = { build_script: 'pwsh: if ($isWindows) {' };

    expect(plannedJobs('SimonCropp__Argon__src_appveyor.yml')).toEqual([
      { image: 'Visual Studio 2022', platform: 'windows', phases },
      { image: 'macOS', platform: 'macos', phases },
      { image: 'Ubuntu', platform: 'linux', phases },
    ]);
  });

  it('plans StackExchange.Redis with cmd lines on Windows and sh lines on Linux', () => {
    expect(plannedJobs('StackExchange__StackExchange.Redis__appveyor.yml')).toEqual([
      {
        image: 'Visual Studio 2017',
        platform: 'windows',
        phases: {
          init: 'cmd: git config --global core.autocrlf input',
          install: 'cmd: cd tests\\RedisConfigs\\3.0.503',
          build_script: 'ps: if ($env:OS -eq "Windows_NT") {',
        },
      },
      {
        image: 'Ubuntu',
        platform: 'linux',
        phases: {
          init: 'bash: git config --global core.autocrlf input',
          install: 'sh: cd tests/RedisConfigs',
          build_script: 'ps: if ($env:OS -eq "Windows_NT") {',
        },
      },
    ]);
  });

  it('plans dataplat/dbops as images × environment rows, image outermost', () => {
    const phases = {
      before_test: 'ps: .\\tests\\appveyor.prep.ps1',
      test_script: 'ps: .\\tests\\appveyor.pester.ps1',
      after_test: 'ps: .\\tests\\appveyor.post.ps1',
    };
    const linux = { image: 'Ubuntu1804', platform: 'linux', phases };
    const windows = { image: 'Visual Studio 2017', platform: 'windows', phases };

    expect(plannedJobs('dataplat__dbops__appveyor.yml')).toEqual([
      linux,
      linux,
      windows,
      windows,
    ]);
  });

  it('plans ninja-build despite its double-quoted value continued at key indentation', () => {
    expect(plannedJobs('ninja-build__ninja__appveyor.yml')).toEqual([
      {
        image: 'Visual Studio 2017',
        platform: 'windows',
        phases: { build_script: 'ps: C:\\msys64\\usr\\bin\\bash -lc @"' },
      },
      {
        image: 'Visual Studio 2017',
        platform: 'windows',
        phases: {
          build_script:
            'cmd: call "C:\\Program Files (x86)\\Microsoft Visual Studio\\2017\\Community\\VC\\Auxiliary\\Build\\vcvars64.bat"',
        },
      },
    ]);
  });

  it('plans pypa/cibuildwheel with the image of each environment row', () => {
    const install = 'python -m pip install cibuildwheel==2.8.0';
    const build = 'python -m cibuildwheel --output-dir wheelhouse';
    const unix = { install: `bash: ${install}`, build_script: `bash: ${build}` };

    expect(plannedJobs('pypa__cibuildwheel__examples_appveyor-minimal.yml')).toEqual([
      { image: 'Ubuntu', platform: 'linux', phases: unix },
      {
        image: vs2015,
        platform: 'windows',
        phases: {
          init: 'cmd: set PATH=C:\\Python37;C:\\Python37\\Scripts;%PATH%',
          install: `cmd: ${install}`,
          build_script: `cmd: ${build}`,
        },
      },
      { image: 'macos-mojave', platform: 'macos', phases: unix },
    ]);
  });

  it('plans BuildMasterAutomation with its for: matrix blocks and anchored scripts', () => {
    const jobs = plannedJobs(
      'webmd-health-services__BuildMasterAutomation__appveyor.yml',
    );
    const script = "$ProgressPreference = 'SilentlyContinue'";

    expect(jobs).toEqual([
      {
        image: 'Visual Studio 2019',
        platform: 'windows',
        phases: { init: 'cmd: net start mssql$sql2019', build_script: `ps: ${script}` },
      },
      { image: vs2015, platform: 'windows', phases: { build_script: `pwsh: ${script}` } },
      {
        image: 'Visual Studio 2019',
        platform: 'windows',
        phases: { build_script: `pwsh: ${script}` },
      },
      {
        image: 'Visual Studio 2022',
        platform: 'windows',
        phases: { init: 'cmd: net start mssql$sql2019', build_script: `pwsh: ${script}` },
      },
    ]);
  });

  it('plans libuv as platform × configuration jobs on the default image', () => {
    const job = {
      image: vs2015,
      platform: 'windows',
      phases: {
        install: 'cmd: cinst -y nsis',
        build_script:
          'cmd: if "%APPVEYOR_REPO_TAG%" == "true" set APPVEYOR_BUILD_VERSION=%APPVEYOR_REPO_TAG_NAME%',
        after_build:
          'cmd: "%PROGRAMFILES(x86)%\\NSIS\\makensis" /DVERSION=%APPVEYOR_BUILD_VERSION% /DARCH=%ARCH% libuv.nsi',
      },
    };

    expect(plannedJobs('libuv__libuv__appveyor.yml')).toEqual([job, job]);
  });

  it('plans 222Alexa/AHJ on its only branch, main, with a bash deploy_script', () => {
    expect(
      plannedJobs('222Alexa__AHJ-1.1__.appveyor.yml', push({ branch: 'main' })),
    ).toEqual([
      {
        image: 'Ubuntu1804',
        platform: 'linux',
        phases: {
          install: 'bash: yarn install',
          build_script: 'bash: yarn build',
          test_script: 'bash: yarn lint && yarn test',
          deploy_script: 'bash: git config --global credential.helper store',
        },
      },
    ]);
  });

  it('plans appveyor/build-images as seven Linux bake jobs with a custom clone script', () => {
    const phases = {
      init: 'bash: appveyor version',
      clone:
        'bash: curl -fsSL "https://github.com/appveyor/build-images/archive/$APPVEYOR_REPO_COMMIT.tar.gz" -o scripts.tar.gz',
      build_script: 'bash: cd $BASE_DIR && pwd',
    };
    const images = [
      'base-ubuntu-2004-gce-us-central1',
      'base-ubuntu-1804-gce-us-central1',
      'base-ubuntu-1604-gce-us-central1',
      'base-ubuntu-1804-azure-westus',
      'base-ubuntu-2004-hyperv',
      'base-ubuntu-1804-hyperv',
      'base-ubuntu-1604-hyperv',
    ];

    expect(
      plannedJobs('appveyor__build-images__appveyor-build-linux-images.yml'),
    ).toEqual(images.map((image) => ({ image, platform: 'linux', phases })));
  });

  it('plans ProGetAutomation, its build scripts kept without their RDP hook line', () => {
    const jobs = plannedJobs('webmd-health-services__ProGetAutomation__appveyor.yml');
    const first =
      "if( (Test-Path -Path 'env:ENABLE_RDP') -and $env:ENABLE_RDP -eq 'True' )";

    expect(jobs).toEqual([
      {
        image: 'Visual Studio 2019',
        platform: 'windows',
        phases: { build_script: `ps: ${first}` },
      },
      {
        image: 'Visual Studio 2022',
        platform: 'windows',
        phases: { build_script: `pwsh: ${first}` },
      },
    ]);
  });

  it('plans git-lfs as one default-image job with its four phases', () => {
    expect(plannedJobs('git-lfs__git-lfs__appveyor.yml')).toEqual([
      {
        image: vs2015,
        platform: 'windows',
        phases: {
          install: 'cmd: cinst InnoSetup -y',
          build_script: "cmd: bash --login -c 'GOARCH=386 script/bootstrap'",
          after_build:
            'cmd: iscc script\\windows-installer\\inno-setup-git-lfs-installer.iss',
          test_script: 'cmd: bash --login script/cibuild',
        },
      },
    ]);
  });

  it('plans php-src as two environment rows on x64', () => {
    const job = {
      image: vs2015,
      platform: 'windows',
      phases: {
        build_script: 'cmd: appveyor\\build.bat',
        test_script: 'cmd: appveyor\\test.bat',
      },
    };

    expect(plannedJobs('php__php-src__.appveyor.yml')).toEqual([job, job]);
  });

  it('plans stazz/UtilPack on Ubuntu1804 with sh: lines kept on Linux', () => {
    const folder = ['$', '{APPVEYOR_BUILD_FOLDER}'].join('');
    const ciFolder = ['$', '{CI_FOLDER}'].join('');

    expect(plannedJobs('stazz__UtilPack__appveyor.yml')).toEqual([
      {
        image: 'Ubuntu1804',
        platform: 'linux',
        phases: {
          init: 'sh: git config --global core.autocrlf false',
          install: `sh: mv "${folder}/*" "${folder}/git/"`,
          build_script: `sh: "${folder}/git/${ciFolder}/build.sh"`,
          test_script: `sh: ${folder}/git/${ciFolder}/test.sh`,
          deploy_script: `sh: ${folder}/git/${ciFolder}/deploy.sh`,
          after_deploy: expect.stringMatching(/^sh: sudo chown -R `id -u` /),
        },
      },
    ]);
  });

  it('plans tidyverse/dplyr with ps init and an on_failure phase', () => {
    const job = {
      image: vs2015,
      platform: 'windows',
      phases: {
        init: 'ps: $ErrorActionPreference = "Stop"',
        install: 'ps: Bootstrap',
        build_script: 'cmd: travis-tool.sh install_github r-pkgs/remotes@303db43',
        test_script: 'cmd: travis-tool.sh run_tests',
        on_failure: 'cmd: 7z a failure.zip *.Rcheck\\*',
      },
    };

    expect(plannedJobs('tidyverse__dplyr__appveyor.yml')).toEqual([job, job]);
  });

  it('plans ruamel/yaml.clib from a scalar install line and a list variable', () => {
    expect(plannedJobs('ruamel__yaml.clib__.appveyor.yaml')).toEqual([
      {
        image: 'Visual Studio 2019',
        platform: 'windows',
        phases: {
          init: 'cmd: set PATH=C:\\Python37;C:\\Python37\\Scripts;%PATH%',
          install: 'cmd: python -m pip install -U pip cibuildwheel==2.12.0',
          build_script: 'cmd: python -m cibuildwheel --output-dir whl',
        },
      },
    ]);
  });
});
