/** The launch-runner task of the build state machine (shared/pipeline/launch-runner.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { launchRunner } from '../shared/pipeline/launch-runner.ts';

export const handler = taskHandler(launchRunner);
