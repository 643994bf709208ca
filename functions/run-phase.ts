/** The run-phase task of the build state machine (shared/pipeline/run-phase.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { runPhase } from '../shared/pipeline/run-phase.ts';

export const handler = taskHandler(runPhase);
