import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { noKeyDecryption } from '../../shared/runners/decryption.ts';
import { extractReport, reportFile } from '../../shared/runners/phase-report.ts';
import { bakehouseVersion } from '../../shared/version.ts';
import {
  command,
  gitRepository,
  linuxJob,
  phaseContext,
  runPhase,
  type TempRunner,
  tempRunner,
} from './fixtures.ts';

let runner: TempRunner;

/** A build of a repository on disk, at its second commit. */
function cloneContextOf(origin: ReturnType<typeof gitRepository>) {
  const { trigger } = phaseContext().build;

  return phaseContext({
    repositoryUrl: origin.path,
    repositoryProvider: 'git',
    trigger: { ...trigger, commit: { ...trigger.commit, sha: origin.second } },
  });
}

afterEach(() => rmSync(runner.root, { recursive: true, force: true }));

describe('bashPhaseScript, run by bash', () => {
  it('carries the environment and the working folder from one phase to the next', () => {
    runner = tempRunner();
    const job = linuxJob();
    runPhase(runner, job, 'install', [command('export TOOL=ready; mkdir -p w && cd w')]);

    const next = runPhase(runner, job, 'build_script', [
      command('echo "tool=$TOOL in $PWD"'),
    ]);

    expect(next.output).toContain(`tool=ready in ${runner.home}/w`);
    expect(next.report.outcome).toBe('succeeded');
  });

  it('makes SetVariable visible to later commands and phases, in both forms', () => {
    runner = tempRunner();
    const job = linuxJob();

    const first = runPhase(runner, job, 'install', [
      command(`appveyor SetVariable -Name GREETING -Value "it's here"`),
      command('appveyor SetVariable OTHER second; echo "now=$GREETING"'),
    ]);
    const next = runPhase(runner, job, 'test_script', [
      command('echo "$GREETING/$OTHER"'),
    ]);

    expect(first.output).toContain("now=it's here");
    expect(first.report.variables).toEqual({ GREETING: "it's here", OTHER: 'second' });
    expect(next.output).toContain("it's here/second");
  });

  it('records messages added with AddMessage', () => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'build_script', [
      command('appveyor AddMessage "Slow test" -Category Warning -Details "took 9 s"'),
      command('appveyor AddMessage plain'),
    ]);

    expect(run.report.messages).toEqual([
      { message: 'Slow test', category: 'Warning', details: 'took 9 s' },
      { message: 'plain', category: 'Information' },
    ]);
  });

  it('stops at the first failing command and reports its exit code', () => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'install', [
      command('echo one'),
      command('(exit 4)'),
      command('echo never-printed'),
    ]);

    expect(run.report).toMatchObject({
      outcome: 'failed',
      exitCode: 4,
      skipFinalizers: false,
    });
    expect(run.output).toContain('Command exited with code 4');
    expect(run.output).not.toContain('never-printed');
    expect(run.status).toBe(4);
  });

  it.each([
    ['false', { outcome: 'failed', exitCode: 1, skipFinalizers: false }],
    ['exit 0', { outcome: 'exited-green', exitCode: 0, skipFinalizers: true }],
    ['exit 5', { outcome: 'failed', exitCode: 5, skipFinalizers: true }],
    ['appveyor exit', { outcome: 'exited-green', exitCode: 0, skipFinalizers: false }],
    [
      'export APPVEYOR_SKIP_FINALIZE_ON_EXIT=true; appveyor exit',
      { outcome: 'exited-green', exitCode: 0, skipFinalizers: true },
    ],
  ])('applies the exit rule of `%s`', (line, expected) => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'build_script', [
      command(line),
      command('echo after-the-exit'),
    ]);

    expect(run.report).toMatchObject(expected);
    expect(run.output).not.toContain('after-the-exit');
  });

  it('counts a command stopped by `set -e` as a plain failure that runs the finalizers', () => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'build_script', [
      command('set -e; false; echo not-reached'),
    ]);

    expect(run.report).toMatchObject({
      outcome: 'failed',
      exitCode: 1,
      skipFinalizers: false,
    });
    expect(run.output.split('\n')).not.toContain('not-reached');
  });

  it('runs a multi-line block as one command, here-documents included', () => {
    runner = tempRunner();
    const block = "cat > notes.txt <<'EOF'\nfirst $HOME\nEOF\ncat notes.txt";

    const run = runPhase(runner, linuxJob(), 'install', [command(block)]);

    expect(run.output).toContain('first $HOME\n');
    expect(run.report.outcome).toBe('succeeded');
  });

  it('refuses a variable name the shell cannot hold, and verbs it does not know', () => {
    runner = tempRunner();
    const job = linuxJob();

    const badName = runPhase(runner, job, 'install', [
      command('appveyor SetVariable "A-B" x'),
    ]);
    const badVerb = runPhase(runner, job, 'after_build', [
      command('appveyor AddTest "Widget works"'),
    ]);

    expect(badName.report).toMatchObject({ outcome: 'failed', exitCode: 2 });
    expect(badName.output).toContain(
      "SetVariable needs a name of letters, digits and _, not 'A-B'",
    );
    expect(badVerb.report).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(badVerb.output).toContain("appveyor: 'AddTest' is not supported by Bakehouse");
  });

  it("refuses to set the phase script's own variables, which name its state folder", () => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'install', [
      command('appveyor SetVariable -Name __bh_dir -Value /tmp'),
    ]);

    expect(run.report).toMatchObject({ outcome: 'failed', exitCode: 2 });
    expect(run.output).toContain(
      "SetVariable cannot set '__bh_dir': names starting with __bh_ are Bakehouse's own",
    );
  });

  it("answers `appveyor version` with Bakehouse's version, where AppVeyor gives its agent's", () => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'init', [command('appveyor version')]);

    expect(run.output).toContain(`appveyor version\nBakehouse ${bakehouseVersion}\n`);
    expect(run.report).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
  });

  it('keeps what a phase changed before `exit 0` for the phases that follow', () => {
    runner = tempRunner();
    const job = linuxJob();
    runPhase(runner, job, 'install', [command('export KEPT=yes; cd /tmp; exit 0')]);

    const next = runPhase(runner, job, 'on_finish', [command('echo "$KEPT $PWD"')]);

    expect(next.output).toContain('yes /tmp');
  });

  it('masks secure values in the output and in the report', () => {
    runner = tempRunner();
    const job = linuxJob({
      environment: [{ name: 'TOKEN', value: 'enc:hunter2', secure: true }],
    });

    const run = runPhase(runner, job, 'install', [
      command('echo "token is $TOKEN"; appveyor SetVariable COPY "x$TOKEN"'),
    ]);

    expect(run.output).toContain('token is ***');
    expect(run.output).not.toContain('hunter2');
    expect(run.report.variables).toEqual({ COPY: 'x***' });
  });

  it('leaves a secure value empty, with a warning, when no key can decrypt it', () => {
    runner = tempRunner();
    const job = linuxJob({
      environment: [{ name: 'TOKEN', value: 'abc', secure: true }],
    });
    const context = { ...phaseContext(), decryption: noKeyDecryption };

    const run = runPhase(runner, job, 'install', [command('echo "[$TOKEN]"')], context);

    expect(run.output).toContain('[]');
    expect(run.output).toContain('Warning: Secure variable TOKEN is empty');
  });

  it("sets AppVeyor's variables and the job's environment", () => {
    runner = tempRunner();
    const job = linuxJob({
      buildPlatform: 'x64',
      configuration: 'Release',
      environment: [{ name: 'PY', value: '3.12', secure: false }],
    });
    const names = [
      'APPVEYOR CI CI_LINUX APPVEYOR_BUILD_ID APPVEYOR_BUILD_NUMBER APPVEYOR_BUILD_VERSION',
      'APPVEYOR_JOB_ID APPVEYOR_JOB_NAME APPVEYOR_REPO_NAME APPVEYOR_REPO_BRANCH',
      'APPVEYOR_REPO_COMMIT APPVEYOR_REPO_COMMIT_MESSAGE APPVEYOR_REPO_COMMIT_MESSAGE_EXTENDED',
      'APPVEYOR_REPO_TAG APPVEYOR_BUILD_FOLDER APPVEYOR_BUILD_WORKER_IMAGE PLATFORM',
      'CONFIGURATION PY',
    ].join(' ');

    const run = runPhase(runner, job, 'init', [
      command(
        `for n in ${names}; do echo "$n=\${!n}"; done; echo "tag:\${APPVEYOR_REPO_TAG_NAME-unset}"`,
      ),
    ]);

    const printed = Object.fromEntries(
      run.output
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [
          line.slice(0, line.indexOf('=')),
          line.slice(line.indexOf('=') + 1),
        ]),
    );
    expect(printed).toEqual({
      APPVEYOR: 'true',
      CI: 'true',
      CI_LINUX: 'true',
      APPVEYOR_BUILD_ID: '01JBUILD',
      APPVEYOR_BUILD_NUMBER: '42',
      APPVEYOR_BUILD_VERSION: '1.0.42',
      APPVEYOR_JOB_ID: '01JBUILD-1',
      APPVEYOR_JOB_NAME: 'Image: Ubuntu2204',
      APPVEYOR_REPO_NAME: 'acme/Widget',
      APPVEYOR_REPO_BRANCH: 'main',
      APPVEYOR_REPO_COMMIT: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      APPVEYOR_REPO_COMMIT_MESSAGE: 'Add the widget',
      APPVEYOR_REPO_COMMIT_MESSAGE_EXTENDED: 'With a longer body.',
      APPVEYOR_REPO_TAG: 'false',
      APPVEYOR_BUILD_FOLDER: `${runner.home}/projects/widget`,
      APPVEYOR_BUILD_WORKER_IMAGE: 'Ubuntu2204',
      PLATFORM: 'x64',
      CONFIGURATION: 'Release',
      PY: '3.12',
    });
    expect(run.output).toContain('tag:unset');
  });

  it('sets the tag and pull-request variables of such builds', () => {
    runner = tempRunner();
    const base = phaseContext();
    const context = phaseContext({
      pullRequestTitle: 'Better widgets',
      trigger: {
        ...base.build.trigger,
        tag: 'v1.0',
        pullRequest: { number: 7, headBranch: 'feature', fromFork: false },
      },
    });

    const run = runPhase(
      runner,
      linuxJob(),
      'init',
      [
        command(
          'echo "$APPVEYOR_REPO_TAG $APPVEYOR_REPO_TAG_NAME #$APPVEYOR_PULL_REQUEST_NUMBER' +
            ' $APPVEYOR_PULL_REQUEST_TITLE $APPVEYOR_PULL_REQUEST_HEAD_REPO_BRANCH"',
        ),
      ],
      context,
    );

    expect(run.output).toContain('true v1.0 #7 Better widgets feature');
  });

  it('fails a ps: line with a clear message when pwsh is not installed', () => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'install', [
      command('Write-Host hi', 'ps', 12),
    ]);

    expect(run.report).toMatchObject({ outcome: 'failed', exitCode: 127 });
    expect(run.output).toContain(
      'The ps: command of line 12 needs PowerShell (pwsh), which is not installed on this runner.',
    );
  });

  it('runs sh: lines in bash and skips cmd: lines on Linux, saying so', () => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'install', [
      command('dir', 'cmd', 3),
      command('echo "sh in $BASH_VERSION"', 'sh', 4),
    ]);

    expect(run.report.outcome).toBe('succeeded');
    expect(run.output).toContain('Skipping the cmd: command of line 3');
    expect(run.output).toMatch(/sh in \d+\.\d+/);
  });

  it('prints the same report between marker lines as it writes to the report file', () => {
    runner = tempRunner();
    const job = linuxJob();

    const run = runPhase(runner, job, 'install', [command('appveyor SetVariable A b')]);

    const path = reportFile(runner.stateRoot, '01JBUILD', job.id, 'install');
    expect(extractReport(run.output)).toEqual(run.report);
    expect(JSON.parse(readFileSync(path, 'utf8')).variables).toEqual({ A: 'b' });
  });

  it('leaves none of the job on a runner about to become an image, after its report', () => {
    runner = tempRunner();
    const job = linuxJob();
    const jobState = join(runner.stateRoot, '01JBUILD', job.id);
    runPhase(runner, job, 'install', [command('export DERIVED="from a secret"')]);
    const before = existsSync(join(jobState, 'state.sh'));
    const baking = { ...phaseContext(), imageFollows: true };

    const run = runPhase(runner, job, 'on_finish', [command('echo "$DERIVED"')], baking);

    expect(before).toBe(true);
    expect(run.output).toContain('from a secret');
    expect(run.report).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(run.status).toBe(0);
    expect(existsSync(jobState)).toBe(false);
    expect(existsSync(join(runner.stateRoot, '01JBUILD'))).toBe(false);
    expect(existsSync(runner.stateRoot)).toBe(true);
  });

  it('keeps the failure of the last phase before a bake when it removes the state', () => {
    runner = tempRunner();
    const job = linuxJob();
    const baking = { ...phaseContext(), imageFollows: true };

    const run = runPhase(runner, job, 'on_finish', [command('exit 4')], baking);

    expect(run.status).toBe(4);
    expect(run.report).toMatchObject({ outcome: 'failed', exitCode: 4 });
    expect(existsSync(join(runner.stateRoot, '01JBUILD', job.id))).toBe(false);
  });

  it('keeps the job state after a phase no image follows', () => {
    runner = tempRunner();
    const job = linuxJob();

    runPhase(runner, job, 'on_finish', [command('true')]);

    expect(existsSync(join(runner.stateRoot, '01JBUILD', job.id, 'state.sh'))).toBe(true);
  });

  it('reports a change of APPVEYOR_BAKE_IMAGE made with export as a variable', () => {
    runner = tempRunner();

    const run = runPhase(runner, linuxJob(), 'after_build', [
      command('export APPVEYOR_BAKE_IMAGE=widget-tools'),
    ]);

    expect(run.report.variables).toEqual({ APPVEYOR_BAKE_IMAGE: 'widget-tools' });
  });

  it('clones the commit into the clone folder at the planned depth and enters it', () => {
    runner = tempRunner();
    const origin = gitRepository(runner.root);
    const { trigger } = phaseContext().build;
    const cloneContext = phaseContext({
      repositoryUrl: origin.path,
      repositoryProvider: 'git',
      trigger: { ...trigger, commit: { ...trigger.commit, sha: origin.first } },
    });
    const job = linuxJob({ cloneDepth: 1 });
    runPhase(runner, job, 'clone', [], cloneContext);

    const next = runPhase(
      runner,
      job,
      'install',
      [command('pwd; cat README.md; git rev-list --count HEAD')],
      cloneContext,
    );

    expect(next.output).toContain(`${runner.home}/projects/widget\nfirst\n1\n`);
  });

  it('refuses to clone over files already in the clone folder, and removes none', () => {
    runner = tempRunner();
    const origin = gitRepository(runner.root);
    const context = cloneContextOf(origin);
    const folder = join(runner.home, 'projects', 'widget');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '.keep'), 'precious\n');

    const run = runPhase(runner, linuxJob(), 'clone', [], context);

    expect(run.report).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(readFileSync(join(folder, '.keep'), 'utf8')).toBe('precious\n');
    expect(existsSync(join(folder, 'README.md'))).toBe(false);
    expect(run.output).toContain(
      `The clone folder ${folder} already holds files: Bakehouse clones only into a ` +
        'folder that does not exist or is empty, and removes nothing it did not put there',
    );
  });

  it('clones into a clone folder that exists and is empty', () => {
    runner = tempRunner();
    const origin = gitRepository(runner.root);
    const folder = join(runner.home, 'projects', 'widget');
    mkdirSync(folder, { recursive: true });

    const run = runPhase(runner, linuxJob(), 'clone', [], cloneContextOf(origin));

    expect(run.report.outcome).toBe('succeeded');
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toBe('second\n');
  });

  it.each([
    '$HOME/bake-scripts',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: as appveyor/build-images writes it.
    '${HOME}/bake-scripts',
  ])('takes the clone folder %s from the runner home', (cloneFolder) => {
    runner = tempRunner();
    const job = linuxJob({ cloneFolder });

    const run = runPhase(runner, job, 'init', [
      command('echo "[$APPVEYOR_BUILD_FOLDER]"'),
    ]);

    expect(run.output).toContain(`[${runner.home}/bake-scripts]`);
  });
});
