/** The read API's artifact answers: a build's artifacts by job, and where one is. */
import { artifactFileNameProblem } from '../artifacts/names.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ArtifactView, BuildView } from '../views/build-view.ts';
import { BadParameterError, NotFoundError, Redirect } from './answers.ts';

/** A build's artifacts, job by job (every job, with or without artifacts). */
export interface ArtifactListAnswer {
  readonly buildId: string;
  readonly jobs: readonly {
    readonly jobId: string;
    readonly name: string;
    readonly artifacts: readonly ArtifactView[];
    /** Artifacts pushed past the build view's budget: stored, not listed. */
    readonly notListed?: number;
  }[];
}

/** The artifacts the build view holds, job by job. */
export function listArtifacts(build: BuildView): ArtifactListAnswer {
  return {
    buildId: build.buildId,
    jobs: build.jobs.map((job) => ({
      jobId: job.jobId,
      name: job.name,
      artifacts: job.artifacts ?? [],
      ...(job.artifactsNotListed && { notListed: job.artifactsNotListed }),
    })),
  };
}

/**
 * Where one artifact's bytes are: a redirect to a short-lived URL of the
 * store (a presigned S3 GET on AWS, the backend's own file route locally);
 * 404 when the job or the artifact is not in the view.
 */
export async function locateArtifact(
  build: BuildView,
  jobId: string,
  fileName: string,
  store: Pick<ArtifactStore, 'downloadUrl'>,
): Promise<Redirect> {
  const problem = artifactFileNameProblem(fileName);
  if (problem) {
    throw new BadParameterError(`artifact '${fileName}' is not a file name: ${problem}`);
  }
  const { buildId } = build;
  const job = build.jobs.find((j) => j.jobId === jobId);
  if (!job) throw new NotFoundError(`job '${jobId}' not found in build ${buildId}`);
  const artifact = job.artifacts?.find((a) => a.fileName === fileName);
  if (!artifact) {
    throw new NotFoundError(
      `artifact '${fileName}' not found in job ${jobId} of build ${buildId}`,
    );
  }
  const download = await store.downloadUrl(artifact.key, artifact.fileName);

  return new Redirect(download.url, { buildId, jobId, ...artifact, ...download });
}
