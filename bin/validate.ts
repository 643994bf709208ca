/**
 * `bakehouse validate [path] [--branch B | --tag T] [--pr [--fork]]
 * [--message M] [--platform P] [--json]`: plans a build of an appveyor.yml for a trigger and
 * prints the plan, the skip or the located errors.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describePlan } from '../shared/config/describe.ts';
import { locateConfigOnDisk } from '../shared/config/locate.ts';
import {
  type PlanResult,
  type Platform,
  platforms,
  type Trigger,
} from '../shared/config/plan.ts';
import { planBuild } from '../shared/config/planner.ts';
import { defaultCatalog, findCatalogEntry } from '../shared/images/catalog.ts';
import { argumentErrorOf } from '../shared/text/argument-error.ts';
import type { Command } from './commands.ts';

const usage = `Usage: bakehouse validate [path] [--branch B | --tag T] [--pr [--fork]]
                          [--message M] [--platform P] [--json]

Plans the build an appveyor.yml (or .appveyor.yml, appveyor.yaml) describes.
path is the file or the folder holding it (default: the current folder).
  --branch B   the branch pushed, or the base branch of --pr (default: master)
  --tag T      a tag push instead of a branch push
  --pr         a pull request build; --fork: from a fork
  --message M  the commit message (filters and skip markers read its title)
  --platform P linux, windows or macos: the platform of images the catalog does
               not know (custom images); default: a guess from the name
  --json       print the plan as JSON
Exit codes: 0 a plan or a skip, 1 errors in the config, 2 wrong usage.`;

const options = {
  branch: { type: 'string' },
  tag: { type: 'string' },
  pr: { type: 'boolean' },
  fork: { type: 'boolean' },
  message: { type: 'string' },
  platform: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: readonly string[]) {
  try {
    const parsed = parseArgs({ args: [...argv], options, allowPositionals: true });
    const { values, positionals } = parsed;
    if (positionals.length > 1) return 'only one path may be given';
    if (values.branch !== undefined && values.tag !== undefined) {
      return '--branch and --tag exclude each other';
    }
    if (values.fork && !values.pr) return '--fork needs --pr';
    if (values.tag !== undefined && values.pr) return '--tag and --pr exclude each other';
    if (values.platform !== undefined && !isPlatform(values.platform)) {
      return `--platform is linux, windows or macos, not '${values.platform}'`;
    }

    return { values, path: positionals[0] ?? '.' };
  } catch (error) {
    return argumentErrorOf(error);
  }
}

function triggerOf(values: Exclude<ReturnType<typeof parse>, string>['values']): Trigger {
  const author = { name: 'bakehouse', email: 'bakehouse@localhost' };
  const commit = { sha: '0'.repeat(40), message: values.message ?? 'Validate', author };
  if (values.tag !== undefined) return { tag: values.tag, commit };
  const branch = values.branch ?? 'master';
  const pullRequest = values.pr
    ? { number: 1, headBranch: 'pull-request', fromFork: values.fork ?? false }
    : undefined;

  return pullRequest ? { branch, pullRequest, commit } : { branch, commit };
}

async function run(argv: readonly string[]): Promise<number> {
  const parsed = parse(argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`bakehouse validate: ${parsed}\n\n${usage}\n`);

    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);

    return 0;
  }
  const located = await locateConfigOnDisk(parsed.path);
  if (!located) {
    process.stderr.write(`bakehouse validate: no appveyor.yml found at ${parsed.path}\n`);

    return 2;
  }
  // Errors name the file as the user can find it, not its bare name.
  const file =
    located.file === path.basename(parsed.path)
      ? parsed.path
      : path.join(parsed.path, located.file);
  const platform = parsed.values.platform;
  const result = planBuild(located.text, triggerOf(parsed.values), {
    file,
    ...(platform !== undefined &&
      isPlatform(platform) && {
        imagePlatform: (image: string) =>
          findCatalogEntry(defaultCatalog, image) ? undefined : platform,
      }),
  });
  const text = parsed.values.json
    ? `${JSON.stringify(result, null, 2)}\n`
    : describePlan(result) + (platform === undefined ? guessedPlatforms(result) : '');
  process.stdout.write(text);

  return result.kind === 'rejected' ? 1 : 0;
}

/**
 * A note for each image the catalog out of the box does not know: a custom
 * image, most likely, whose platform the backend's registry tells when the
 * build runs; offline, the plan can only guess it from the name.
 */
function guessedPlatforms(result: PlanResult): string {
  if (result.kind !== 'build') return '';
  const unknown = new Map<string, string>();
  for (const job of result.jobs) {
    if (!findCatalogEntry(defaultCatalog, job.image))
      unknown.set(job.image, job.platform);
  }

  return [...unknown]
    .map(
      ([image, platform]) =>
        `Note: ${image} is no base image of the catalog: if it is a custom image, ` +
        `the backend plans it on the platform it was baked on; here it is ` +
        `planned as ${platform}, from its name, which leaves out the lines of ` +
        `the other platform (${platform === 'windows' ? 'sh:' : 'cmd:'}). ` +
        `Say --platform linux, windows or macos to plan it as the platform it is.\n`,
    )
    .join('');
}

function isPlatform(text: string): text is Platform {
  return (platforms as readonly string[]).includes(text);
}

/** The `validate` command. */
export const validate: Command = {
  summary: 'plan the build an appveyor.yml describes, or show its errors',
  run,
};
