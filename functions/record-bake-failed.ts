/** The recordBakeFailed state of the build state machine (shared/images/bake-failure.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { pipelineTasks, taskStateNames } from '../shared/pipeline/index.ts';

const task = pipelineTasks[taskStateNames.recordBakeFailed];
if (!task) throw new Error('The pipeline has no recordBakeFailed task');

export const handler = taskHandler(task);
