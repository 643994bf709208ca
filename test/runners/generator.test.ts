import { describe, expect, it } from 'vitest';
import { noKeyDecryption } from '../../shared/runners/decryption.ts';
import {
  gitHubRepositoryUrl,
  phaseScriptGenerator,
} from '../../shared/runners/generator.ts';
import { command, linuxJob, phaseContext } from './fixtures.ts';

const request = {
  buildId: '01JBUILD',
  buildNumber: 3,
  version: '1.0.3',
  repository: 'acme/Widget',
  trigger: phaseContext().build.trigger,
  image: { name: 'Ubuntu2204', platform: 'linux', ref: '', base: true },
} as const;

describe('phaseScriptGenerator', () => {
  const generate = phaseScriptGenerator({
    repositoryUrl: gitHubRepositoryUrl,
    repositoryProvider: 'gitHub',
    decryption: noKeyDecryption,
  });

  it("writes the requested phase of the job's plan for the runner's shell", async () => {
    const job = linuxJob({
      phases: [{ name: 'install', commands: [command('make deps')] }],
    });

    const script = await generate({ ...request, job, phase: 'install' });

    expect(script.shell).toBe('bash');
    expect(script.script).toContain("eval 'make deps'");
  });

  it('clones from the repository URL even though the plan has no clone phase', async () => {
    const script = await generate({ ...request, job: linuxJob(), phase: 'clone' });

    expect(script.script).toContain("__bh_clone 'https://github.com/acme/Widget.git'");
  });
});
