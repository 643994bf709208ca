/** The resolve-image task of the build state machine (shared/pipeline/resolve-image.ts) on AWS. */
import { taskHandler } from '../shared/aws/pipeline-deps.ts';
import { resolveImage } from '../shared/pipeline/resolve-image.ts';

export const handler = taskHandler(resolveImage);
