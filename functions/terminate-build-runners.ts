/** The terminate-build-runners task of the build state machine (shared/pipeline/terminate-build-runners.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { terminateBuildRunners } from '../shared/pipeline/terminate-build-runners.ts';

export const handler = taskHandler(terminateBuildRunners);
