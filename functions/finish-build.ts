/** The finish-build task of the build state machine (shared/pipeline/finish-build.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { finishBuild } from '../shared/pipeline/finish-build.ts';

export const handler = taskHandler(finishBuild);
