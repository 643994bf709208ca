import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerLocalRepository } from '../../local/local-repositories.ts';
import { isRepositoryName } from '../../shared/intake/limits.ts';

describe('a repository on disk registered with the embedded backend', () => {
  it('gets a name GitHub would take, whatever its folder is called', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'bakehouse-register-'));
    const folder = path.join(root, `my tools & ${'x'.repeat(150)}`);
    await mkdir(folder);

    const name = await registerLocalRepository(path.join(root, 'state'), folder);

    expect(name).toMatch(/^local\/my-tools-x+$/);
    expect(isRepositoryName(name)).toBe(true);
  });

  it('gets the next free name when another folder took its own', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'bakehouse-register-'));
    const state = path.join(root, 'state');
    await mkdir(path.join(root, 'a', 'app'), { recursive: true });
    await mkdir(path.join(root, 'b', 'app'), { recursive: true });

    const first = await registerLocalRepository(state, path.join(root, 'a', 'app'));
    const second = await registerLocalRepository(state, path.join(root, 'b', 'app'));
    const again = await registerLocalRepository(state, path.join(root, 'a', 'app'));

    expect([first, second, again]).toEqual(['local/app', 'local/app-2', 'local/app']);
  });
});
