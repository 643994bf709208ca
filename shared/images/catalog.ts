import type { Platform } from '../config/plan.ts';
import { imageKey } from './names.ts';
import type { BaseImageSource } from './ports.ts';

/**
 * The base image catalog: AppVeyor's image names mapped to what an operator's
 * account starts runners from, and the operator settings of the image side.
 */

/** One base image name and where it comes from. */
export interface CatalogEntry {
  readonly name: string;
  readonly platform: Platform;
  readonly source: BaseImageSource;
  /** Said in the build log each time a job uses it. */
  readonly warning?: string;
}

/** The operator's settings for images and bakes. */
export interface ImageSettings {
  /** The image of a job with no `image:`. Default `Visual Studio 2015`, as AppVeyor. */
  readonly defaultImage: string;
  readonly catalog: readonly CatalogEntry[];
  /** Bake in pull requests from the same repository. Default false. */
  readonly allowSameRepositoryPullRequestBakes: boolean;
  /** Versions of each name kept by retention. Default 3. */
  readonly keepVersions: number;
}

const canonical = (release: string, volume: string): BaseImageSource => ({
  kind: 'ssm',
  parameter:
    `/aws/service/canonical/ubuntu/server/${release}/stable/current/amd64/hvm/` +
    `${volume}/ami-id`,
});

const windows = (edition: string): BaseImageSource => ({
  kind: 'ssm',
  parameter: `/aws/service/ami-windows-latest/${edition}`,
});

const ubuntu = (name: string, source: BaseImageSource): CatalogEntry => ({
  name,
  platform: 'linux',
  source,
});

/** An Ubuntu release whose standard support by Canonical has ended. */
const pastSupport = (name: string, release: string, ended: string): CatalogEntry => ({
  ...ubuntu(name, canonical(release, 'ebs-gp2')),
  warning:
    `${name} runs Ubuntu ${release}, past Canonical's standard support (ended ` +
    `${ended}): its base image gets no security updates without Ubuntu Pro`,
});

const visualStudio = (year: string, edition: string): CatalogEntry => ({
  name: `Visual Studio ${year}`,
  platform: 'windows',
  source: windows(edition),
  warning:
    `Visual Studio ${year} runs on a plain Windows Server base image without ` +
    'Visual Studio: the operator has not mapped it to an image that has it',
});

/** The catalog out of the box: Canonical's Ubuntu and Windows Server images. */
export const defaultCatalog: readonly CatalogEntry[] = [
  pastSupport('Ubuntu1604', '16.04', 'April 2021'),
  pastSupport('Ubuntu1804', '18.04', 'May 2023'),
  pastSupport('Ubuntu2004', '20.04', 'May 2025'),
  ubuntu('Ubuntu2204', canonical('22.04', 'ebs-gp2')),
  ubuntu('Ubuntu2404', canonical('24.04', 'ebs-gp3')),
  // AppVeyor's plain `Ubuntu` names 22.04 today.
  ubuntu('Ubuntu', canonical('22.04', 'ebs-gp2')),
  // AppVeyor's own 2013 and 2015 images run Windows Server 2012 R2, whose
  // support ended in 2023: the oldest Windows Server still supported stands in.
  visualStudio('2013', 'Windows_Server-2016-English-Full-Base'),
  visualStudio('2015', 'Windows_Server-2016-English-Full-Base'),
  visualStudio('2017', 'Windows_Server-2016-English-Full-Base'),
  visualStudio('2019', 'Windows_Server-2019-English-Full-Base'),
  visualStudio('2022', 'Windows_Server-2019-English-Full-Base'),
  visualStudio('2026', 'Windows_Server-2019-English-Full-Base'),
];

/** The settings out of the box. */
export const defaultImageSettings: ImageSettings = {
  defaultImage: 'Visual Studio 2015',
  catalog: defaultCatalog,
  allowSameRepositoryPullRequestBakes: false,
  keepVersions: 3,
};

/**
 * The catalog with the operator's entries laid over it: an entry of the same
 * name (any case) replaces the default one and drops its warning.
 */
export function withCatalogEntries(
  catalog: readonly CatalogEntry[],
  entries: readonly CatalogEntry[],
): CatalogEntry[] {
  const replaced = new Set(entries.map((e) => imageKey(e.name)));

  return [...catalog.filter((e) => !replaced.has(imageKey(e.name))), ...entries];
}

/** The catalog entry of a name, matched case-insensitively. */
export function findCatalogEntry(
  catalog: readonly CatalogEntry[],
  name: string,
): CatalogEntry | undefined {
  const key = imageKey(name);

  return catalog.find((e) => imageKey(e.name) === key);
}
