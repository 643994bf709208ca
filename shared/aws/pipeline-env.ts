import { type CatalogEntry, defaultImageSettings } from '../images/catalog.ts';

/**
 * The environment variables the Bakehouse construct gives its Lambdas, and
 * their reading: one list, so infra/ and the handlers cannot drift.
 */
export const pipelineEnvNames = {
  eventsTable: 'EVENTS_TABLE',
  viewsTable: 'VIEWS_TABLE',
  pipelineTable: 'PIPELINE_TABLE',
  githubTokenSecret: 'GITHUB_TOKEN_SECRET_ID',
  runnerSubnets: 'RUNNER_SUBNET_IDS',
  runnerSecurityGroup: 'RUNNER_SECURITY_GROUP_ID',
  runnerInstanceProfile: 'RUNNER_INSTANCE_PROFILE_ARN',
  runnerForkInstanceProfile: 'RUNNER_FORK_INSTANCE_PROFILE_ARN',
  runnerLogGroup: 'RUNNER_LOG_GROUP',
  runnerKey: 'RUNNER_KMS_KEY_ARN',
  runnerInstanceTypes: 'RUNNER_INSTANCE_TYPES',
  runnerRootVolumeGiB: 'RUNNER_ROOT_VOLUME_GIB',
  installation: 'BAKEHOUSE_INSTALLATION',
  phaseTimeoutSeconds: 'PHASE_TIMEOUT_SECONDS',
  bakeTimeoutSeconds: 'BAKE_TIMEOUT_SECONDS',
  maxConcurrentJobs: 'MAX_CONCURRENT_JOBS',
  defaultImage: 'DEFAULT_IMAGE',
  baseImages: 'BASE_IMAGES',
  artifactsBucket: 'ARTIFACTS_BUCKET',
  keepImageVersions: 'KEEP_IMAGE_VERSIONS',
  allowSameRepositoryPullRequestBakes: 'ALLOW_SAME_REPOSITORY_PULL_REQUEST_BAKES',
} as const;

/** The settings of the pipeline Lambdas, read from their environment. */
export interface PipelineEnv {
  readonly eventsTable: string;
  readonly pipelineTable: string;
  readonly githubTokenSecret: string;
  readonly runnerSubnets: readonly string[];
  readonly runnerSecurityGroup: string;
  readonly runnerInstanceProfile: string;
  /** The profile of fork pull requests' runners, which cannot decrypt. */
  readonly runnerForkInstanceProfile: string;
  readonly runnerLogGroup: string;
  readonly runnerKey: string;
  readonly runnerInstanceTypes: { readonly linux: string; readonly windows: string };
  readonly runnerRootVolumeGiB: { readonly linux: number; readonly windows: number };
  /** The value of every runner's `bakehouse:installation` tag. */
  readonly installation: string;
  readonly phaseTimeoutSeconds: number;
  /** The bake's bound after on_finish (image created, available, registered). */
  readonly bakeTimeoutSeconds: number;
  readonly maxConcurrentJobs: number;
  readonly defaultImage: string;
  readonly baseImages: readonly CatalogEntry[];
  /** The bucket of artifacts; only the run-phase and operator API Lambdas have it. */
  readonly artifactsBucket: string;
  /** Versions of each custom image that retention keeps. */
  readonly keepImageVersions: number;
  /** Bakes in pull requests from the repository itself (never from forks). */
  readonly allowSameRepositoryPullRequestBakes: boolean;
}

/** Raised when a Lambda lacks an environment variable the construct sets. */
export class MissingSettingError extends Error {
  override readonly name = 'MissingSettingError';
}

/** Reads the pipeline settings; a variable a handler does not use may be absent. */
export function readPipelineEnv(env: NodeJS.ProcessEnv = process.env): PipelineEnv {
  const read = (name: string): string => {
    const value = env[name];
    if (value === undefined) {
      throw new MissingSettingError(`The Lambda's environment has no ${name}`);
    }

    return value;
  };
  const lazy = <T>(name: string, parse: (raw: string) => T, fallback: T): T =>
    env[name] === undefined ? fallback : parse(read(name));
  const n = pipelineEnvNames;

  return {
    eventsTable: read(n.eventsTable),
    pipelineTable: read(n.pipelineTable),
    githubTokenSecret: lazy(n.githubTokenSecret, String, ''),
    runnerSubnets: lazy(n.runnerSubnets, (raw) => raw.split(','), []),
    runnerSecurityGroup: lazy(n.runnerSecurityGroup, String, ''),
    runnerInstanceProfile: lazy(n.runnerInstanceProfile, String, ''),
    runnerForkInstanceProfile: lazy(n.runnerForkInstanceProfile, String, ''),
    runnerLogGroup: lazy(n.runnerLogGroup, String, ''),
    runnerKey: lazy(n.runnerKey, String, ''),
    runnerInstanceTypes: lazy(n.runnerInstanceTypes, JSON.parse, {
      linux: '',
      windows: '',
    }),
    runnerRootVolumeGiB: lazy(n.runnerRootVolumeGiB, JSON.parse, {
      linux: 30,
      windows: 60,
    }),
    installation: lazy(n.installation, String, 'bakehouse'),
    phaseTimeoutSeconds: lazy(n.phaseTimeoutSeconds, Number, 3600),
    bakeTimeoutSeconds: lazy(n.bakeTimeoutSeconds, Number, 3600),
    maxConcurrentJobs: lazy(n.maxConcurrentJobs, Number, 20),
    defaultImage: lazy(n.defaultImage, String, 'Visual Studio 2015'),
    baseImages: lazy(n.baseImages, JSON.parse, []),
    artifactsBucket: lazy(n.artifactsBucket, String, ''),
    keepImageVersions: lazy(
      n.keepImageVersions,
      Number,
      defaultImageSettings.keepVersions,
    ),
    allowSameRepositoryPullRequestBakes: lazy(
      n.allowSameRepositoryPullRequestBakes,
      (raw) => raw === 'true',
      false,
    ),
  };
}
