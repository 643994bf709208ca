/** The load-config task of the build state machine (shared/pipeline/load-config.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { loadConfig } from '../shared/pipeline/load-config.ts';

export const handler = taskHandler(loadConfig);
