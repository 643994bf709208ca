import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validate } from '../../bin/validate.ts';
import { corpusDir } from './corpus.ts';

let out = '';
let err = '';
const folders: string[] = [];

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);

    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);

    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const folder of folders.splice(0))
    rmSync(folder, { recursive: true, force: true });
});

function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'bakehouse-validate-'));
  folders.push(folder);
  for (const [name, text] of Object.entries(files))
    writeFileSync(path.join(folder, name), text);

  return folder;
}

describe('bakehouse validate', () => {
  it('prints the jobs, images and phases of a plan and exits 0', async () => {
    const file = path.join(corpusDir, 'StackExchange__StackExchange.Redis__appveyor.yml');

    const code = await validate.run([file]);

    expect(code).toBe(0);
    expect(out).toMatch(/^Build of 2 jobs, version /);
    expect(out).toMatch(/ 1 +Visual Studio 2017 +windows /);
    expect(out).toMatch(/ 2 +Ubuntu +linux /);
    expect(out).toContain('  install\n');
    expect(out).toMatch(/sh +cd tests\/RedisConfigs/);
    expect(out).toContain('Not run by Bakehouse:');
  });

  it('finds .appveyor.yml in a folder and prints a skip with its reason, exit 0', async () => {
    const folder = folderWith({ '.appveyor.yml': 'branches:\n  only: [main]\n' });

    const code = await validate.run([folder, '--branch', 'feature']);

    expect(code).toBe(0);
    expect(out).toBe("Skipped, because branch 'feature' is filtered out by branches.\n");
  });

  it('prints the located errors, naming the file by the path given, and exits 1', async () => {
    const folder = folderWith({ 'appveyor.yml': 'install:\n  - a\ninstall:\n  - b\n' });
    const error =
      "Error parsing appveyor.yml: Duplicate key 'install' (Line: 3, Column: 1)";

    const code = await validate.run([folder]);
    const inFolder = out;
    out = '';
    await validate.run([path.join(folder, 'appveyor.yml')]);

    expect(code).toBe(1);
    expect(inFolder).toBe(`${path.join(folder, 'appveyor.yml')}: ${error}\n`);
    expect(out).toBe(`${path.join(folder, 'appveyor.yml')}: ${error}\n`);
  });

  it('prints the plan as JSON with --json, honouring --tag and --message', async () => {
    const folder = folderWith({ 'appveyor.yml': 'image: Ubuntu\nskip_non_tags: true\n' });

    await validate.run([folder, '--tag', 'v1.0', '--json']);
    const tagged = JSON.parse(out);
    out = '';
    await validate.run([
      folder,
      '--tag',
      'v1.0',
      '--message',
      'Release [skip ci]',
      '--json',
    ]);

    expect(tagged.kind).toBe('build');
    expect(tagged.jobs[0].image).toBe('Ubuntu');
    expect(JSON.parse(out)).toEqual({
      kind: 'skipped',
      reason: 'the commit title has [skip ci]',
      warnings: [],
    });
  });

  it('skips deploy phases for --pr', async () => {
    const folder = folderWith({
      'appveyor.yml': 'build: off\ndeploy_script: [echo deploy]\n',
    });

    await validate.run([folder, '--pr', '--json']);

    expect(JSON.parse(out).jobs[0].phases).toEqual([]);
  });

  it.each([
    [['--branch', 'a', '--tag', 'b'], '--branch and --tag exclude each other'],
    [['--fork'], '--fork needs --pr'],
    [['--colour'], "unknown option '--colour'"],
    [['a', 'b'], 'only one path may be given'],
  ])('exits 2 for wrong usage %j', async (argv, message) => {
    const code = await validate.run(argv);

    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('exits 2 when no config is found', async () => {
    const code = await validate.run([folderWith({})]);

    expect(code).toBe(2);
    expect(err).toMatch(/no appveyor\.yml found at /);
  });

  it('exits 2 for a path that is neither a file nor a folder, such as /dev/zero', async () => {
    const code = await validate.run(['/dev/zero']);

    expect(code).toBe(2);
    expect(err).toBe('bakehouse validate: no appveyor.yml found at /dev/zero\n');
  });

  it('passes over a folder named appveyor.yml to the next name', async () => {
    const folder = folderWith({ '.appveyor.yml': 'branches:\n  only: [main]\n' });
    mkdirSync(path.join(folder, 'appveyor.yml'));

    const code = await validate.run([folder, '--branch', 'feature']);

    expect(code).toBe(0);
    expect(out).toBe("Skipped, because branch 'feature' is filtered out by branches.\n");
  });
});

describe('bakehouse validate of a config on a custom image', () => {
  it('says the platform of an image the catalog does not know is a guess', async () => {
    const folder = folderWith({
      'appveyor.yml': 'image: prime-tools\nbuild_script:\n  - make\n',
    });

    const code = await validate.run([folder]);

    expect(code).toBe(0);
    expect(out).toContain(
      'Note: prime-tools is no base image of the catalog: if it is a custom image, ' +
        'the backend plans it on the platform it was baked on; here it is planned as ' +
        'windows, from its name, which leaves out the lines of the other platform ' +
        '(sh:). Say --platform linux, windows or macos to plan it as the platform it is.\n',
    );
  });

  it('plans a custom image on the platform --platform names, keeping its sh: lines', async () => {
    const folder = folderWith({
      'appveyor.yml': 'image: prime-tools\nbuild_script:\n  - sh: make\n',
    });

    const code = await validate.run([folder, '--platform', 'linux', '--json']);

    expect(code).toBe(0);
    expect(err).toBe('');
    const plan = JSON.parse(out);
    expect(plan.jobs[0]).toMatchObject({ image: 'prime-tools', platform: 'linux' });
    expect(JSON.stringify(plan.jobs[0].phases)).toContain('make');
  });

  it('refuses a --platform it does not know, exit 2', async () => {
    const code = await validate.run(['.', '--platform', 'beos']);

    expect(code).toBe(2);
    expect(err).toContain("--platform is linux, windows or macos, not 'beos'");
  });

  it('says nothing of the kind for a base image', async () => {
    const folder = folderWith({ 'appveyor.yml': 'image: Ubuntu2204\n' });

    await validate.run([folder]);

    expect(out).not.toContain('Note:');
  });
});
