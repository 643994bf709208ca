import type { JobPlan, PhasePlan } from '../config/plan.ts';
import { bashPhaseScript } from './bash-script.ts';
import type { PhaseContext } from './context.ts';
import { powershellPhaseScript } from './powershell-script.ts';

/** A generated phase script and the shell that runs it. */
export interface PhaseScript {
  readonly shell: 'bash' | 'powershell';
  readonly script: string;
}

/** Error raised for a job whose platform has no runner script. */
export class UnsupportedPlatformError extends Error {
  override name = 'UnsupportedPlatformError';
}

/**
 * The whole script of one phase of a job: bash for Linux, PowerShell for
 * Windows. macOS runners are not supported.
 */
export function phaseScript(
  job: JobPlan,
  phase: PhasePlan,
  context: PhaseContext,
): PhaseScript {
  switch (job.platform) {
    case 'linux':
      return { shell: 'bash', script: bashPhaseScript(job, phase, context) };
    case 'windows':
      return { shell: 'powershell', script: powershellPhaseScript(job, phase, context) };
    default:
      throw new UnsupportedPlatformError(
        `Job ${job.id} (${job.name}) of build ${context.build.buildId}: macOS runners are not supported.`,
      );
  }
}
