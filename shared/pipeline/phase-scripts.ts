import type { PhasePlan } from '../config/plan.ts';
import type { SecureValueDecryption } from '../runners/decryption.ts';
import { phaseScript } from '../runners/phase-script.ts';
import type { GeneratePhaseScript } from './deps.ts';

/** Where runners clone from, and how secure values are read. */
export interface PhaseScriptSettings {
  /** The URL the clone phase fetches a repository from. */
  readonly repositoryUrl: (repository: string) => string;
  readonly repositoryProvider: 'gitHub' | 'git';
  readonly decryption: SecureValueDecryption;
}

/**
 * The pipeline's script generation on top of the runner script generator:
 * the build context comes from the build stream, and a phase the plan
 * omits (clone has no commands of its own) runs with none.
 */
export function phaseScriptGenerator(settings: PhaseScriptSettings): GeneratePhaseScript {
  return async (request) => {
    const phase: PhasePlan = request.job.phases.find((p) => p.name === request.phase) ?? {
      name: request.phase,
      commands: [],
    };

    return phaseScript(request.job, phase, {
      build: {
        buildId: request.buildId,
        buildNumber: request.buildNumber,
        version: request.version,
        repositoryName: request.repository,
        repositoryUrl: settings.repositoryUrl(request.repository),
        repositoryProvider: settings.repositoryProvider,
        trigger: request.trigger,
      },
      imageName: request.image.name,
      decryption: settings.decryption,
      artifactUpload: request.artifactUpload,
      imageFollows: request.imageFollows,
    });
  };
}
