/** The acquire-job-slot task of the build state machine (shared/pipeline/acquire-job-slot.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { acquireJobSlot } from '../shared/pipeline/acquire-job-slot.ts';

export const handler = taskHandler(acquireJobSlot);
