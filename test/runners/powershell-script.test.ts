import { describe, expect, it } from 'vitest';
import { phaseScript } from '../../shared/runners/phase-script.ts';
import { command, linuxJob, phaseContext } from './fixtures.ts';

const windowsJob = linuxJob({
  platform: 'windows',
  image: 'Visual Studio 2022',
  name: 'Image: Visual Studio 2022',
  configuration: 'Release',
  environment: [
    { name: 'GREETING', value: "it's", secure: false },
    { name: 'TOKEN', value: 'enc:hunter2', secure: true },
  ],
});
const context = { ...phaseContext(), imageName: 'Visual Studio 2022' };

/**
 * pwsh is not installed here: the Windows scripts are compared with golden
 * files that were read and reviewed line by line when they were written.
 */
describe('phaseScript for a Windows job', () => {
  it('writes the clone phase as reviewed', async () => {
    const script = phaseScript(
      { ...windowsJob, cloneDepth: 5 },
      { name: 'clone', commands: [] },
      context,
    );

    expect(script.shell).toBe('powershell');
    await expect(script.script).toMatchFileSnapshot('./golden/clone.ps1');
  });

  it('writes every command kind of a phase as reviewed', async () => {
    const commands = [
      command('echo %GREETING%', 'bash', 4),
      command('set BUILT=yes', 'cmd', 5),
      command("$env:TOOL = 'ready'\nappveyor SetVariable -Name A -Value b", 'ps', 6),
      command('Write-Host $PSVersionTable.PSVersion', 'pwsh', 8),
      command('echo linux only', 'sh', 9),
    ];

    const script = phaseScript(windowsJob, { name: 'install', commands }, context);

    await expect(script.script).toMatchFileSnapshot('./golden/install.ps1');
  });

  it('writes an after_test phase that collects artifacts through a presigned POST, as reviewed', async () => {
    const job = {
      ...windowsJob,
      artifacts: [
        { path: 'bin\\$(configuration)\\*.dll', name: 'Binaries' },
        { path: 'logs', type: 'Zip' },
      ],
    };
    const upload = {
      kind: 'post' as const,
      url: 'https://artifacts.s3.us-east-1.amazonaws.com/',
      fields: { bucket: 'artifacts', Policy: 'eyJwb2xpY3kiOiJ0ZXN0In0=' },
      keyPrefix: 'artifacts/01JBUILD/1/',
    };
    const commands = [command('dir', 'bash', 12)];

    const script = phaseScript(
      job,
      { name: 'after_test', commands },
      { ...context, artifactUpload: upload },
    );

    await expect(script.script).toMatchFileSnapshot('./golden/after_test.ps1');
  });

  it('removes the job state after the report when the runner becomes an image', () => {
    const baking = { ...context, imageFollows: true };
    const phase = { name: 'on_finish' as const, commands: [command('echo done')] };

    const lines = phaseScript(windowsJob, phase, baking).script.split('\r\n');
    const plain = phaseScript(windowsJob, phase, context).script;

    const report = lines.findIndex((l) => l.startsWith('} *>&1 | ForEach-Object'));
    const removal = lines.findIndex((l) => l.includes('-LiteralPath $__bhDir'));
    expect(removal).toBeGreaterThan(report);
    expect(lines[removal]).toMatch(/^Remove-Item -Recurse -Force /);
    expect(lines.at(-2)).toBe('exit $__bhState.Code');
    expect(plain).not.toContain('-LiteralPath $__bhDir');
  });

  it('refuses macOS jobs with a clear message', () => {
    const job = linuxJob({ platform: 'macos', name: 'Image: macOS' });

    expect(() => phaseScript(job, { name: 'install', commands: [] }, context)).toThrow(
      'Job 1 (Image: macOS) of build 01JBUILD: macOS runners are not supported.',
    );
  });
});
