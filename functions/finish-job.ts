/** The finish-job task of the build state machine (shared/pipeline/finish-job.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { finishJob } from '../shared/pipeline/finish-job.ts';

export const handler = taskHandler(finishJob);
