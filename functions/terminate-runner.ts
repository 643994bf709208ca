/** The terminate-runner task of the build state machine (shared/pipeline/terminate-runner.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { terminateRunner } from '../shared/pipeline/terminate-runner.ts';

export const handler = taskHandler(terminateRunner);
