import type { JobPlan } from '../config/plan.ts';
import type { PhaseContext } from './context.ts';
import type { DecryptedValue } from './decryption.ts';

/** A variable a phase script exports; `fromHome` values are relative to HOME. */
export interface ScriptVariable {
  readonly name: string;
  readonly value: string;
  readonly fromHome?: boolean;
}

/** The environment of a job's first phase, the values to mask and the warnings. */
export interface JobEnvironment {
  readonly variables: readonly ScriptVariable[];
  /** Decrypted secure values, longest first, replaced by `***` in the output. */
  readonly secrets: readonly string[];
  /** Secure values the runner decrypts: the variable's name and its ciphertext. */
  readonly sealed: readonly SealedVariable[];
  readonly warnings: readonly string[];
}

/** A secure variable whose value only the runner decrypts. */
export interface SealedVariable {
  readonly name: string;
  readonly ciphertext: string;
}

/**
 * How a Linux clone folder may start from HOME: `~/`, AppVeyor's home on its
 * Linux images, and `$HOME/` or `${HOME}/` (AppVeyor's own
 * appveyor/build-images config clones into `${HOME}/bake-scripts`).
 */
const homePrefixes = [
  '~/',
  '/home/appveyor/',
  '$HOME/',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's spelling of HOME.
  '${HOME}/',
];

/**
 * The clone folder of a job (APPVEYOR_BUILD_FOLDER): `clone_folder` when set,
 * else `projects/<repo>` under HOME on Linux and `C:\projects\<repo>` on Windows.
 * On Linux a folder under one of the {@link homePrefixes}, or relative, is
 * taken from HOME; any other absolute folder is kept as written (a local
 * runner refuses it: it lies outside the runner's folder).
 */
export function buildFolder(job: JobPlan, context: PhaseContext): ScriptVariable {
  const name = 'APPVEYOR_BUILD_FOLDER';
  const slug = projectSlug(context.build.repositoryName);
  const folder = job.cloneFolder;
  if (job.platform === 'windows') {
    return { name, value: folder ?? `C:\\projects\\${slug}` };
  }
  if (folder === undefined) return { name, value: `projects/${slug}`, fromHome: true };
  const home = homePrefixes.find((prefix) => folder.startsWith(prefix));
  if (home !== undefined) {
    return { name, value: folder.slice(home.length), fromHome: true };
  }

  return folder.startsWith('/')
    ? { name, value: folder }
    : { name, value: folder, fromHome: true };
}

/**
 * Every variable AppVeyor sets for a job (appveyor-semantics.md §3), then the
 * job's own environment, secure values decrypted through the port. Not set
 * yet: APPVEYOR_URL and APPVEYOR_API_URL (runners have no build worker REST
 * API, only the `appveyor` command), APPVEYOR_REPO_COMMIT_TIMESTAMP (the
 * trigger does not carry it) and the scheduled, forced and re-build flags.
 */
export function jobEnvironment(job: JobPlan, context: PhaseContext): JobEnvironment {
  const { build } = context;
  const { trigger } = build;
  const truth = job.platform === 'windows' ? 'True' : 'true';
  const [owner = '', repo = ''] = build.repositoryName.split('/');
  const [title = '', ...rest] = trigger.commit.message.split('\n');
  const extended = rest.join('\n').trim();
  const pr = trigger.pullRequest;
  const optional: [string, string | undefined][] = [
    ['APPVEYOR_REPO_TAG_NAME', trigger.tag],
    ['APPVEYOR_REPO_COMMIT_MESSAGE_EXTENDED', extended || undefined],
    ['APPVEYOR_PULL_REQUEST_NUMBER', pr ? String(pr.number) : undefined],
    ['APPVEYOR_PULL_REQUEST_TITLE', pr ? build.pullRequestTitle : undefined],
    [
      'APPVEYOR_PULL_REQUEST_HEAD_REPO_NAME',
      pr ? build.pullRequestHeadRepositoryName : undefined,
    ],
    ['APPVEYOR_PULL_REQUEST_HEAD_REPO_BRANCH', pr?.headBranch],
    ['APPVEYOR_PULL_REQUEST_HEAD_COMMIT', pr ? build.pullRequestHeadCommit : undefined],
    ['PLATFORM', job.buildPlatform],
    ['CONFIGURATION', job.configuration],
  ];
  const fixed: [string, string][] = [
    ['APPVEYOR', truth],
    ['CI', truth],
    ['CI_LINUX', String(job.platform === 'linux')],
    ['CI_WINDOWS', String(job.platform === 'windows')],
    ['APPVEYOR_ACCOUNT_NAME', owner],
    ['APPVEYOR_PROJECT_NAME', repo],
    ['APPVEYOR_PROJECT_SLUG', projectSlug(build.repositoryName)],
    ['APPVEYOR_BUILD_ID', build.buildId],
    ['APPVEYOR_BUILD_NUMBER', String(build.buildNumber)],
    ['APPVEYOR_BUILD_VERSION', build.version],
    ['APPVEYOR_BUILD_WORKER_IMAGE', context.imageName],
    ['APPVEYOR_JOB_ID', `${build.buildId}-${job.id}`],
    ['APPVEYOR_JOB_NAME', job.name],
    ['APPVEYOR_JOB_NUMBER', job.id],
    ['APPVEYOR_REPO_PROVIDER', build.repositoryProvider],
    ['APPVEYOR_REPO_SCM', 'git'],
    ['APPVEYOR_REPO_NAME', build.repositoryName],
    ['APPVEYOR_REPO_BRANCH', trigger.branch ?? ''],
    ['APPVEYOR_REPO_TAG', String(trigger.tag !== undefined)],
    ['APPVEYOR_REPO_COMMIT', trigger.commit.sha],
    ['APPVEYOR_REPO_COMMIT_AUTHOR', trigger.commit.author.name],
    ['APPVEYOR_REPO_COMMIT_AUTHOR_EMAIL', trigger.commit.author.email],
    ['APPVEYOR_REPO_COMMIT_MESSAGE', title],
  ];
  const variables: ScriptVariable[] = [
    ...fixed.map(([name, value]) => ({ name, value })),
    ...optional.flatMap(([name, value]) =>
      value === undefined ? [] : [{ name, value }],
    ),
    buildFolder(job, context),
  ];
  const secrets: string[] = [];
  const sealed: SealedVariable[] = [];
  const warnings: string[] = [];
  for (const variable of job.environment) {
    if (!variable.secure) {
      variables.push({ name: variable.name, value: variable.value });
      continue;
    }
    const decrypted = sealedOrEmpty(
      context.decryption.decrypt(variable, build.trigger),
      variable.name,
      job,
    );
    if (decrypted.ciphertext !== undefined) {
      sealed.push({ name: variable.name, ciphertext: decrypted.ciphertext });
      continue;
    }
    variables.push({ name: variable.name, value: decrypted.value });
    if (decrypted.warning) warnings.push(decrypted.warning);
    secrets.push(...decrypted.value.split(/\r?\n/).filter((line) => line !== ''));
  }
  secrets.sort((a, b) => b.length - a.length);

  return { variables, secrets, sealed, warnings };
}

/**
 * Windows runners do not decrypt secure values yet (their PowerShell script
 * has no decryption step): a value left to the runner is empty there, with
 * a warning.
 */
function sealedOrEmpty(decrypted: DecryptedValue, name: string, job: JobPlan) {
  if (decrypted.ciphertext === undefined || job.platform !== 'windows') return decrypted;

  return {
    value: '',
    warning: `Secure variable ${name} is empty: Windows runners do not decrypt secure values yet.`,
  };
}

/** The project slug: the repository name, lower case. */
export function projectSlug(repositoryName: string): string {
  return (repositoryName.split('/')[1] ?? repositoryName).toLowerCase();
}
