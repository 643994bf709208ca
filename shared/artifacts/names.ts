/**
 * How artifacts are named and where they are kept: a job's artifacts live
 * under `artifacts/<build>/<job>/`, each under its file name (a relative,
 * `/`-separated path such as `bin/app.zip`), in S3 on AWS and in the state
 * folder locally. The limits hold on every runner.
 */

/** The largest file one artifact may be: 1 GiB. */
export const maxArtifactBytes = 1024 ** 3;

/** The most artifacts (distinct file names) one job may push. */
export const maxArtifactsPerJob = 100;

/** The longest file name of an artifact, in characters. */
export const maxArtifactFileNameLength = 500;

/**
 * The longest segment of a file name (`bin`, `app.zip`), in UTF-8 bytes:
 * a local store writes each segment as a name on disk, and file systems
 * hold at most 255 bytes in one name.
 */
export const maxArtifactSegmentBytes = 255;

/** Where a job's artifacts are kept: `artifacts/<build>/<job>/`. */
export function jobArtifactPrefix(buildId: string, jobId: string): string {
  return `artifacts/${buildId}/${jobId}/`;
}

/** The key of one artifact: its job's prefix and its file name. */
export function artifactKey(buildId: string, jobId: string, fileName: string): string {
  return `${jobArtifactPrefix(buildId, jobId)}${fileName}`;
}

/**
 * Why a file name cannot name an artifact, or undefined when it can: it must
 * be relative, `/`-separated, without empty, `.` or `..` segments or control
 * characters, at most {@link maxArtifactFileNameLength} characters, and each
 * segment at most {@link maxArtifactSegmentBytes} bytes.
 */
export function artifactFileNameProblem(fileName: string): string | undefined {
  if (fileName.length === 0) return 'it is empty';
  if (fileName.length > maxArtifactFileNameLength) {
    return `it is longer than ${maxArtifactFileNameLength} characters`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is refused.
  if (/[\u0000-\u001f\u007f\\]/.test(fileName)) {
    return 'it holds a control character or a backslash';
  }
  const segments = fileName.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return 'it has an empty, "." or ".." segment, or starts with /';
  }
  const longest = Math.max(...segments.map((s) => Buffer.byteLength(s)));
  if (longest > maxArtifactSegmentBytes) {
    return (
      `a segment of it is ${longest} bytes, over the ${maxArtifactSegmentBytes} ` +
      'bytes a file system holds in one name'
    );
  }

  return undefined;
}
