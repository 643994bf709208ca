import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../shared/config/plan.ts';
import { buildOf, corpusText, push } from './corpus.ts';

/** The not-run notes of a plan as `line:column message`, the automatic modes left out. */
function notesOf(yaml: string, branch = 'master'): string[] {
  const plan = buildOf(`build: off\ntest: off\n${yaml}`, push({ branch }));

  return plan.notRun.map(at(2));
}

/** `line:column message`, lines counted in the YAML given (minus the `skip` lines added). */
function at(skip: number) {
  return (note: Diagnostic) => `${note.line - skip}:${note.column} ${note.message}`;
}

const rdp =
  "iex ((new-object net.webclient).DownloadString('https://raw.githubusercontent.com/appveyor/ci/master/scripts/enable-rdp.ps1'))";

describe('planBuild: settings planned but not carried out are reported as not run', () => {
  it('reports cache, services, stack and hosts, each at its key', () => {
    const yaml = [
      'cache:',
      '  - node_modules',
      'services:',
      '  - mssql2017',
      'stack: node 18, mysql',
      'hosts:',
      '  db.local: 127.0.0.1',
    ].join('\n');

    expect(notesOf(yaml)).toEqual([
      '1:1 cache entries are not restored or saved by Bakehouse',
      '3:1 services are not started by Bakehouse; start them in a script',
      '5:1 stack is not set up by Bakehouse; install languages and services in a script',
      '6:1 hosts entries are not written to the hosts file by Bakehouse',
    ]);
  });

  it("reports init's RDP hook, at the hook's command", () => {
    expect(notesOf(`init:\n  - ps: ${rdp}\n  - echo kept\n`)).toEqual([
      '2:9 RDP/SSH access hooks are not run by Bakehouse; the line is skipped',
    ]);
  });

  it('reports job workflow variables and APPVEYOR_BUILD_WORKER_CLOUD, once each', () => {
    const yaml = [
      'environment:',
      '  APPVEYOR_BUILD_WORKER_CLOUD: my-cloud',
      '  matrix:',
      '    - job_name: one',
      '      job_group: tests',
      '    - job_name: two',
      '      job_group: tests',
      '      job_depends_on: one',
    ].join('\n');

    expect(notesOf(yaml)).toEqual([
      '2:3 APPVEYOR_BUILD_WORKER_CLOUD is ignored: Bakehouse runs every job on its own fleet',
      '5:7 job_group does not group jobs: Bakehouse starts every job at once',
      '8:7 job_depends_on is not applied: a job does not wait for the jobs it names',
    ]);
  });

  it('reports the settings a for: matrix block sets that AppVeyor ignores there', () => {
    const yaml = [
      'image: [Ubuntu, macos]',
      'for:',
      '  - matrix:',
      '      only:',
      '        - image: macos',
      '      fast_finish: true',
      '    image: Visual Studio 2019',
      '    version: 2.{build}',
      '    environment:',
      '      matrix:',
      '        - X: 1',
      '    for:',
      '      - branches: { only: [dev] }',
    ].join('\n');

    expect(notesOf(yaml)).toEqual([
      '6:7 "matrix.fast_finish" is ignored in a for: matrix block, as AppVeyor ignores it',
      '7:5 "image" is ignored in a for: matrix block, as AppVeyor ignores it',
      '8:5 "version" is ignored in a for: matrix block, as AppVeyor ignores it',
      '10:7 "environment.matrix" is ignored in a for: matrix block, as AppVeyor ignores it',
      '12:5 A "for" inside a for: block is ignored',
    ]);
  });

  it('reports what the configuration chosen for the branch does not run, not other branches', () => {
    const yaml = [
      'for:',
      '  - branches: { only: [release] }',
      '    cache: [packages]',
    ].join('\n');

    expect(notesOf(yaml)).toEqual([]);
    expect(notesOf(yaml, 'release')).toEqual([
      '3:5 cache entries are not restored or saved by Bakehouse',
    ]);
  });
});

describe('planBuild: RDP and SSH access hooks', () => {
  it('removes the hook line from a multi-line script and says which line', () => {
    const yaml = `on_finish:\n  - ps: |\n      Write-Host before\n      ${rdp}\n      Write-Host after\n`;
    const plan = buildOf(`build: off\ntest: off\n${yaml}`);

    expect(plan.jobs[0]?.phases[0]?.commands[0]?.script).toBe(
      'Write-Host before\n\nWrite-Host after\n',
    );
    expect(plan.notRun.map(at(2))).toEqual([
      '2:9 RDP/SSH access hooks are not run by Bakehouse; line 2 of the script is removed',
    ]);
  });

  it('leaves a commented-out hook alone, in PowerShell and in cmd', () => {
    const yaml = `on_finish:\n  - ps: |\n      Write-Host x\n      # ${rdp}\n  - cmd: rem ${rdp}\n`;
    const plan = buildOf(`build: off\ntest: off\n${yaml}`);

    expect(plan.notRun).toEqual([]);
    expect(plan.jobs[0]?.phases[0]?.commands).toHaveLength(2);
  });

  it("removes ProGetAutomation's embedded hook line, keeping the rest of its build script", () => {
    const file = 'webmd-health-services__ProGetAutomation__appveyor.yml';
    const plan = buildOf(corpusText(file));
    const script = plan.jobs[0]?.phases[0]?.commands[0]?.script ?? '';

    expect(script).not.toMatch(/enable-rdp/);
    expect(script).toContain('$blockRdp = $true');
    expect(script).toContain('.\\build.ps1');
    expect(plan.notRun.filter((note) => note.message.startsWith('RDP'))).toMatchObject([
      {
        line: 50,
        column: 9,
        message:
          'RDP/SSH access hooks are not run by Bakehouse; line 4 of the script is removed',
      },
    ]);
  });

  it("does not flag Sholtee/injector's commented-out hook", () => {
    const plan = buildOf(corpusText('Sholtee__injector__appveyor.yml'));

    expect(plan.notRun.filter((note) => note.message.startsWith('RDP'))).toEqual([]);
  });
});
