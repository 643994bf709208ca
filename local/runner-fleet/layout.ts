import { join } from 'node:path';
import type { PhaseName } from '../../shared/config/plan.ts';

/**
 * Where a local runner keeps its things under the state folder:
 * `runners/<runnerId>/` holds `home/` (HOME, with `projects` linking to the
 * runner's `projects/`), `projects/` (clone folders), `tools/` (its `bin/`
 * comes first on PATH) and `state/` (the job's state files, outside HOME so
 * that an image of the home never carries them). Phase logs live outside
 * the runner, under `logs/`, so that they outlive it.
 */
export class RunnerLayout {
  readonly folder: string;
  readonly home: string;
  readonly projects: string;
  readonly tools: string;
  readonly state: string;
  readonly scripts: string;

  constructor(stateFolder: string, runnerId: string) {
    this.folder = join(stateFolder, 'runners', runnerId);
    this.home = join(this.folder, 'home');
    this.projects = join(this.folder, 'projects');
    this.tools = join(this.folder, 'tools');
    this.state = join(this.folder, 'state');
    this.scripts = join(this.folder, 'scripts');
  }
}

/** The log file of one phase of a job, under the state folder. */
export function phaseLogFile(
  stateFolder: string,
  buildId: string,
  jobId: string,
  phase: PhaseName,
): string {
  return join(stateFolder, 'logs', buildId, jobId, `${phase}.log`);
}
