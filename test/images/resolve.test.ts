import { describe, expect, it } from 'vitest';
import { defaultImageSettings } from '../../shared/images/catalog.ts';
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
