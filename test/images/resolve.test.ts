import { describe, expect, it } from 'vitest';
import { localBaseImages } from '../../local/image-store/base-images.ts';
import { defaultCatalog, defaultImageSettings } from '../../shared/images/catalog.ts';
import type { BaseImageSource } from '../../shared/images/ports.ts';
import { decideAddVersion } from '../../shared/images/registry-decisions.ts';
import { foldImage, type ImageState } from '../../shared/images/registry-state.ts';
import { type ImageResolutionDeps, resolveImage } from '../../shared/images/resolve.ts';
import { asStored, bakedVersion } from './support.ts';

const baked = foldImage(asStored(decideAddVersion(undefined, bakedVersion('b1')).events));

function deps(custom?: ImageState): ImageResolutionDeps & { asked: BaseImageSource[] } {
  const asked: BaseImageSource[] = [];

  return {
    asked,
    loadImage: async (name) =>
      custom && name.toLowerCase() === custom.name.toLowerCase() ? custom : undefined,
    baseImages: {
      resolve: async (source) => {
        asked.push(source);

        return 'ami-base';
      },
    },
    settings: defaultImageSettings,
  };
}

describe('resolveImage', () => {
  it('finds a custom image written in another case, shown as first written', async () => {
    const { image } = await resolveImage('TOOLS-image', deps(baked));

    expect(image).toEqual({
      name: 'Tools-Image',
      platform: 'linux',
      ref: 'ami-b1',
      version: 1,
      base: false,
    });
  });

  it('maps an Ubuntu name to Canonical public parameter', async () => {
    const world = deps();

    const { image, warnings } = await resolveImage('ubuntu2404', world);

    expect(image).toEqual({
      name: 'Ubuntu2404',
      platform: 'linux',
      ref: 'ami-base',
      base: true,
    });
    expect(warnings).toEqual([]);
    expect(world.asked).toEqual([
      {
        kind: 'ssm',
        parameter:
          '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id',
      },
    ]);
  });

  it.each([
    ['Ubuntu1604', '16.04', 'April 2021'],
    ['Ubuntu1804', '18.04', 'May 2023'],
  ])(
    'maps %s to Canonical public parameter, warning that its support ended',
    async (name, release, ended) => {
      const world = deps();

      const { image, warnings } = await resolveImage(name.toLowerCase(), world);

      expect(image).toEqual({ name, platform: 'linux', ref: 'ami-base', base: true });
      expect(world.asked).toEqual([
        {
          kind: 'ssm',
          parameter:
            `/aws/service/canonical/ubuntu/server/${release}/stable/current/` +
            'amd64/hvm/ebs-gp2/ami-id',
        },
      ]);
      expect(warnings).toEqual([
        `${name} runs Ubuntu ${release}, past Canonical's standard support (ended ` +
          `${ended}): its base image gets no security updates without Ubuntu Pro`,
      ]);
    },
  );

  it('resolves every Ubuntu name of the catalog to an empty runner folder locally', async () => {
    const names = defaultCatalog.filter((e) => e.platform === 'linux').map((e) => e.name);
    const local = { ...deps(), baseImages: localBaseImages };

    const refs = await Promise.all(
      names.map(async (name) => (await resolveImage(name, local)).image.ref),
    );

    expect(names).toEqual(expect.arrayContaining(['Ubuntu1604', 'Ubuntu1804', 'Ubuntu']));
    expect(refs).toEqual(names.map(() => ''));
  });

  it('uses the default image when the job names none, with its Visual Studio warning', async () => {
    const { image, warnings } = await resolveImage(undefined, deps());

    expect(image.name).toBe('Visual Studio 2015');
    expect(image.platform).toBe('windows');
    expect(warnings[0]).toMatch(/without Visual Studio/);
  });

  it('fails an unknown name with AppVeyor message', async () => {
    await expect(resolveImage('Ubuntu1404', deps())).rejects.toThrow(
      'Build worker image not found: Ubuntu1404',
    );
  });
});
