import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PhaseContext } from '../../shared/runners/context.ts';
import {
  command,
  linuxJob,
  phaseContext,
  runPhase,
  type TempRunner,
  tempRunner,
} from './fixtures.ts';

let runner: TempRunner;
afterEach(() => rmSync(runner.root, { recursive: true, force: true }));

/** A runner whose artifacts go to its own `store/` folder, and the context saying so. */
function runnerWithStore(): { store: string; context: PhaseContext } {
  runner = tempRunner();
  const store = join(runner.root, 'store');

  return {
    store,
    context: { ...phaseContext(), artifactUpload: { kind: 'folder', folder: store } },
  };
}

/** Writes files under the job's clone folder (`projects/widget` under HOME). */
function cloneFolderWith(files: Record<string, string>): string {
  const folder = join(runner.home, 'projects', 'widget');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), text);
  }

  return folder;
}

const inClone = command('cd "$APPVEYOR_BUILD_FOLDER"');

describe('appveyor PushArtifact on a bash runner', () => {
  it('stores the file in the job store and reports its name, type and size', () => {
    const { store, context } = runnerWithStore();
    cloneFolderWith({ 'bin/app.zip': 'zip bytes' });

    const run = runPhase(
      runner,
      linuxJob(),
      'after_build',
      [
        inClone,
        command('appveyor PushArtifact bin/app.zip -DeploymentName App'),
        command(
          'appveyor PushArtifact bin/app.zip -FileName "dist\\\\copy.zip" -Type Zip',
        ),
      ],
      context,
    );

    expect(run.report.outcome).toBe('succeeded');
    expect(run.report.artifacts).toEqual([
      { fileName: 'app.zip', name: 'App', type: 'Auto', size: 9, path: 'bin/app.zip' },
      { fileName: 'dist/copy.zip', type: 'Zip', size: 9, path: 'bin/app.zip' },
    ]);
    expect(readFileSync(join(store, 'dist', 'copy.zip'), 'utf8')).toBe('zip bytes');
    expect(run.output).toContain('Artifact app.zip (9 bytes) pushed.');
  });

  it('fails the command, saying why, for a path that is no file', () => {
    const { context } = runnerWithStore();

    const run = runPhase(
      runner,
      linuxJob(),
      'after_build',
      [command('appveyor PushArtifact missing.zip'), command('echo never')],
      context,
    );

    expect(run.report).toMatchObject({ outcome: 'failed', exitCode: 2 });
    expect(run.report.artifacts).toBeUndefined();
    expect(run.output).toContain(
      `appveyor: PushArtifact: 'missing.zip' is not a file (in ${runner.home})`,
    );
    expect(run.output).not.toContain('never');
  });

  it('refuses a file name that leaves the job folder', () => {
    const { store, context } = runnerWithStore();
    cloneFolderWith({ 'a.txt': 'a' });

    const run = runPhase(
      runner,
      linuxJob(),
      'after_build',
      [inClone, command('appveyor PushArtifact a.txt -FileName ../escape.txt')],
      context,
    );

    expect(run.report.exitCode).toBe(2);
    expect(run.output).toContain(
      "PushArtifact: '../escape.txt' cannot name an artifact (empty, . or .. segment)",
    );
    expect(existsSync(join(store, '..', 'escape.txt'))).toBe(false);
  });

  it('stores a file name whose segment is 255 bytes and refuses one of 256', () => {
    const { store, context } = runnerWithStore();
    cloneFolderWith({ 'a.txt': 'a' });
    const longest = `dist/${'a'.repeat(255)}`;
    const tooLong = `dist/${'é'.repeat(128)}`;

    const run = runPhase(
      runner,
      linuxJob(),
      'after_build',
      [
        inClone,
        command(`appveyor PushArtifact a.txt -FileName ${longest}`),
        command(`appveyor PushArtifact a.txt -FileName ${tooLong}`),
      ],
      context,
    );

    expect(run.report.artifacts?.map((a) => a.fileName)).toEqual([longest]);
    expect(readFileSync(join(store, longest), 'utf8')).toBe('a');
    expect(run.report).toMatchObject({ outcome: 'failed', exitCode: 2 });
    expect(run.output).toContain(
      `PushArtifact: a segment of '${tooLong}' is 256 bytes, over the 255 bytes ` +
        'a file system holds in one name',
    );
  });

  it('refuses the 101st file name of a job, and lets a known one be pushed again', () => {
    const { context } = runnerWithStore();
    cloneFolderWith({ 'a.txt': 'a' });
    const job = linuxJob();
    const pushes =
      'for i in $(seq 100); do appveyor PushArtifact a.txt -FileName "f$i"; done';
    runPhase(
      runner,
      job,
      'build_script',
      [inClone, command(`${pushes} > /dev/null`)],
      context,
    );

    const again = runPhase(
      runner,
      job,
      'after_build',
      [
        command('appveyor PushArtifact a.txt -FileName f7'),
        command('appveyor PushArtifact a.txt -FileName f101'),
      ],
      context,
    );

    expect(again.report.artifacts?.map((a) => a.fileName)).toEqual(['f7']);
    expect(again.report.exitCode).toBe(2);
    expect(again.output).toContain(
      "PushArtifact: 'f101' would be artifact 101 of the job; the most is 100",
    );
  });

  it('reports a push in its own phase only, and leaves no store file behind', () => {
    const { context } = runnerWithStore();
    cloneFolderWith({ 'a.txt': 'a' });
    const job = linuxJob();

    const first = runPhase(
      runner,
      job,
      'after_build',
      [inClone, command('appveyor PushArtifact a.txt')],
      context,
    );
    const next = runPhase(runner, job, 'on_finish', [command('echo done')], context);
    const stateFiles = readdirSync(join(runner.stateRoot, '01JBUILD', '1'));

    expect(first.report.artifacts).toHaveLength(1);
    expect(next.report.artifacts).toBeUndefined();
    expect(stateFiles).not.toContain('artifact-store.sh');
  });
});

describe('the artifacts: section on a bash runner', () => {
  it('collects files, wildcards and folders at the end of after_test', () => {
    const { store, context } = runnerWithStore();
    cloneFolderWith({
      'dist/widget-1.0.whl': 'wheel',
      'dist/notes.md': 'notes',
      'logs/a/test.log': 'log a',
      'logs/b/deep/test.log': 'log b',
      'site/index.html': '<html>',
      'site/css/app.css': 'body {}',
    });
    const job = linuxJob({
      environment: [{ name: 'KIND', value: 'whl', secure: false }],
      artifacts: [
        { path: 'dist\\*.$(kind)', name: 'Wheels' },
        { path: 'logs/**/*.log', type: 'File' },
        { path: 'site' },
      ],
    });

    const run = runPhase(runner, job, 'after_test', [command('echo tested')], context);

    expect(run.report.outcome).toBe('succeeded');
    expect(run.report.artifacts?.map((a) => [a.fileName, a.name, a.type])).toEqual([
      ['dist/widget-1.0.whl', 'Wheels', 'Auto'],
      ['logs/a/test.log', undefined, 'File'],
      ['logs/b/deep/test.log', undefined, 'File'],
      ['site.tar.gz', undefined, 'Auto'],
    ]);
    const listing = execFileSync('tar', ['-tzf', join(store, 'site.tar.gz')], {
      encoding: 'utf8',
    });
    expect(listing.split('\n').filter(Boolean).sort()).toEqual([
      './',
      './css/',
      './css/app.css',
      './index.html',
    ]);
    expect(run.output).toMatch(/tested\n[\s\S]*collect artifacts: dist\\\*\.\$\(kind\)/);
  });

  it('adds a warning for a path that matches nothing, and still succeeds', () => {
    const { context } = runnerWithStore();
    cloneFolderWith({ 'README.md': 'hi' });
    const job = linuxJob({ artifacts: [{ path: '*.nupkg' }, { path: '../outside' }] });

    const run = runPhase(runner, job, 'after_test', [], context);

    expect(run.report.outcome).toBe('succeeded');
    expect(run.report.artifacts).toBeUndefined();
    expect(run.report.messages).toEqual([
      {
        message: "Artifact path '*.nupkg' matched no file; nothing is pushed for it",
        category: 'Warning',
      },
      {
        message: "Artifact path '../outside' leaves the clone folder; it is skipped",
        category: 'Warning',
      },
    ]);
  });

  it('collects nothing when an after_test command failed first', () => {
    const { context } = runnerWithStore();
    cloneFolderWith({ 'out.bin': 'x' });
    const job = linuxJob({ artifacts: [{ path: 'out.bin' }] });

    const run = runPhase(runner, job, 'after_test', [command('false')], context);

    expect(run.report).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(run.report.artifacts).toBeUndefined();
  });

  it('collects with its own tools after a build emptied its PATH', () => {
    const { store, context } = runnerWithStore();
    cloneFolderWith({ 'out.bin': 'x', 'site/index.html': '<html>' });
    const job = linuxJob({ artifacts: [{ path: 'out.bin' }, { path: 'site' }] });
    const emptyPath = command('appveyor SetVariable -Name PATH -Value ""');

    const run = runPhase(runner, job, 'after_test', [emptyPath], context);

    expect(run.report.outcome).toBe('succeeded');
    expect(run.report.artifacts?.map((a) => a.fileName)).toEqual([
      'out.bin',
      'site.tar.gz',
    ]);
    expect(readFileSync(join(store, 'out.bin'), 'utf8')).toBe('x');
  });

  it('collects only in after_test', () => {
    const { context } = runnerWithStore();
    cloneFolderWith({ 'out.bin': 'x' });
    const job = linuxJob({ artifacts: [{ path: 'out.bin' }] });

    const run = runPhase(runner, job, 'test_script', [command('true')], context);

    expect(run.report.artifacts).toBeUndefined();
  });
});
