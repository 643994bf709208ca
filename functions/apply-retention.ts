/** The applyRetention state of the build state machine (shared/images/bake-tasks.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { pipelineTasks, taskStateNames } from '../shared/pipeline/index.ts';

const task = pipelineTasks[taskStateNames.applyRetention];
if (!task) throw new Error('The pipeline has no applyRetention task');

export const handler = taskHandler(task);
