import { artifactFileNameProblem, artifactKey } from '../artifacts/names.ts';
import { newEvent, type TypedNewEvent } from '../events/catalogue.ts';
import type { PhaseResult } from '../ports/runner-fleet.ts';

/**
 * The events of the artifacts a phase pushed: ArtifactPushed for each, keyed
 * by build, job and file name; an error message instead for a file name the
 * store cannot hold (a runner checks names before it uploads, so this only
 * guards against a report that did not come from the phase script).
 */
export function pushedArtifactEvents(
  result: PhaseResult,
): TypedNewEvent<'ArtifactPushed' | 'MessageAdded'>[] {
  const { buildId, jobId, phase } = result;

  return (result.artifacts ?? []).map((artifact) => {
    const problem = artifactFileNameProblem(artifact.fileName);
    if (problem) {
      return newEvent('MessageAdded', {
        jobId,
        level: 'error',
        message:
          `Artifact '${artifact.fileName}' pushed in phase ${phase} of job ${jobId} ` +
          `is not recorded: ${problem}`,
      });
    }

    return newEvent('ArtifactPushed', {
      jobId,
      fileName: artifact.fileName,
      ...(artifact.name && { name: artifact.name }),
      type: artifact.type || 'Auto',
      size: artifact.size,
      key: artifactKey(buildId, jobId, artifact.fileName),
      path: artifact.path,
    });
  });
}
