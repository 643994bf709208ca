import type { JobPlan, PhaseName, Trigger } from '../config/plan.ts';
import type { ResolvedImage } from '../ports/runner-fleet.ts';
import type { SecureValueDecryption } from './decryption.ts';
import { type PhaseScript, phaseScript } from './phase-script.ts';

/** What the pipeline asks for when it sends a phase to a runner. */
export interface PhaseScriptRequest {
  readonly buildId: string;
  readonly buildNumber: number;
  readonly version: string;
  /** `owner/repo`. */
  readonly repository: string;
  readonly trigger: Trigger;
  readonly job: JobPlan;
  readonly phase: PhaseName;
  readonly image: ResolvedImage;
}

/** Where repositories are cloned from, and how secure values are decrypted. */
export interface PhaseScriptGeneratorOptions {
  /** The URL the clone phase fetches `owner/repo` from. */
  readonly repositoryUrl: (repository: string) => string;
  readonly repositoryProvider: 'gitHub' | 'git';
  readonly decryption: SecureValueDecryption;
}

/** The clone URL of a public GitHub repository (private ones need a token: not done yet). */
export const gitHubRepositoryUrl = (repository: string): string =>
  `https://github.com/${repository}.git`;

/**
 * The pipeline's script generator: a phase of a job, as the runner's shell
 * runs it. A phase the plan leaves out runs no command (clone still clones).
 */
export function phaseScriptGenerator(
  options: PhaseScriptGeneratorOptions,
): (request: PhaseScriptRequest) => Promise<PhaseScript> {
  return async (request) => {
    const plan = request.job.phases.find((p) => p.name === request.phase);
    const context = {
      imageName: request.image.name,
      decryption: options.decryption,
      build: {
        buildId: request.buildId,
        buildNumber: request.buildNumber,
        version: request.version,
        repositoryName: request.repository,
        repositoryUrl: options.repositoryUrl(request.repository),
        repositoryProvider: options.repositoryProvider,
        trigger: request.trigger,
      },
    };

    return phaseScript(
      request.job,
      plan ?? { name: request.phase, commands: [] },
      context,
    );
  };
}
