/**
 * The keys of AppVeyor's appveyor.yml reference, as Bakehouse reads them:
 * which are script sections (and the phase each feeds), which are accepted but
 * not run, and which `for: matrix:` blocks ignore.
 */
import type { MergeRules } from './merge.ts';
import type { PhaseName } from './plan.ts';

/** Script sections and the phase each one feeds. */
export const scriptKeys: Readonly<Record<string, PhaseName>> = {
  init: 'init',
  clone_script: 'clone',
  install: 'install',
  before_build: 'before_build',
  build_script: 'build_script',
  after_build: 'after_build',
  before_test: 'before_test',
  test_script: 'test_script',
  after_test: 'after_test',
  before_deploy: 'before_deploy',
  deploy_script: 'deploy_script',
  after_deploy: 'after_deploy',
  on_success: 'on_success',
  on_failure: 'on_failure',
  on_image_bake: 'on_image_bake',
  on_finish: 'on_finish',
};

/** Keys accepted and reported as not run, with what people are told. */
export const notRunKeys: Readonly<Record<string, string>> = {
  notifications: 'notifications are not sent by Bakehouse',
  assembly_info: 'AssemblyInfo patching is not done by Bakehouse',
  dotnet_csproj: '.csproj patching is not done by Bakehouse',
  nuget: 'NuGet feeds are not provided by Bakehouse',
  before_package: 'before_package is not run: Bakehouse does no automatic packaging',
  build_cloud: 'build_cloud is ignored: Bakehouse runs every job on its own fleet',
};

/**
 * Keys read into the plan but not carried out by Bakehouse, with what people
 * are told: each job starts from its image as it is.
 */
export const notAppliedKeys: Readonly<Record<string, string>> = {
  cache: 'cache entries are not restored or saved by Bakehouse',
  services: 'services are not started by Bakehouse; start them in a script',
  stack: 'stack is not set up by Bakehouse; install languages and services in a script',
  hosts: 'hosts entries are not written to the hosts file by Bakehouse',
};

/**
 * Environment variables AppVeyor acts on and Bakehouse does not, by upper-case
 * name, with what people are told. They still reach the job as variables.
 */
export const notAppliedVariables: Readonly<Record<string, string>> = {
  APPVEYOR_BUILD_WORKER_CLOUD:
    'APPVEYOR_BUILD_WORKER_CLOUD is ignored: Bakehouse runs every job on its own fleet',
  JOB_GROUP: 'job_group does not group jobs: Bakehouse starts every job at once',
  JOBS_PER_GROUP: 'jobs_per_group is not applied: Bakehouse starts every job at once',
  JOB_DEPENDS_ON:
    'job_depends_on is not applied: a job does not wait for the jobs it names',
  JOB_ALLOW_CANCELLATION:
    'job_allow_cancellation is not applied: Bakehouse has no job groups to cancel',
};

/** Keys whose value Bakehouse reads itself (besides scripts and not-run keys). */
export const valueKeys: ReadonlySet<string> = new Set([
  'version',
  'branches',
  'skip_tags',
  'skip_non_tags',
  'skip_commits',
  'only_commits',
  'skip_branch_with_pr',
  'max_jobs',
  'image',
  'os',
  'clone_folder',
  'clone_depth',
  'shallow_clone',
  'hosts',
  'environment',
  'matrix',
  'for',
  'cache',
  'services',
  'stack',
  'platform',
  'configuration',
  'build',
  'test',
  'deploy',
  'artifacts',
  'pull_requests',
]);

/** Settings a `for: - matrix:` block may not change (AppVeyor ignores them). */
export const ignoredInMatrixBlocks: ReadonlySet<string> = new Set([
  'version',
  'image',
  'os',
  'platform',
  'configuration',
  'for',
  'pull_requests',
  'max_jobs',
  'nuget',
]);

/** How a `for: - matrix:` block merges: notifications extend, the rest is replaced. */
export const matrixBlockRules: MergeRules = {
  ignored: ignoredInMatrixBlocks,
  extended: new Set(['notifications']),
  keepRows: true,
};

/** How a `for: - branches:` block merges: a nested `for:` is ignored. */
export const branchBlockRules: MergeRules = {
  ignored: new Set(['for']),
  extended: new Set(['deploy', 'artifacts', 'notifications']),
};

/** Characters AppVeyor refuses in a version format. */
export const versionInvalidCharacters = /[<>*%&:\\]/;
