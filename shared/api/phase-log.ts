/** The read API's phase log answer: a piece of a phase's log and where to read on. */
import type { PhaseName } from '../config/plan.ts';
import { outputWithoutReport } from '../runners/phase-report.ts';
import type { BuildView } from '../views/build-view.ts';
import { NotFoundError } from './answers.ts';
import type { PhaseLogs } from './ports.ts';

/** The largest piece of log one answer carries, in bytes: well under Lambda's 6 MB. */
export const maxLogChunkBytes = 1024 * 1024;

/** The piece of log one answer carries when the request does not say. */
export const defaultLogChunkBytes = 256 * 1024;

/** A piece of a phase log as the read API answers it. */
export interface PhaseLogAnswer {
  readonly buildId: string;
  readonly jobId: string;
  readonly phase: PhaseName;
  readonly offset: number;
  readonly nextOffset: number;
  readonly text: string;
  /** True while the phase runs: more text may come after `nextOffset`. */
  readonly running: boolean;
}

/** Where to read: the build, job, phase and byte range. */
export interface PhaseLogQuery {
  readonly jobId: string;
  readonly phase: PhaseName;
  readonly offset: number;
  readonly limit: number;
}

/**
 * Reads a piece of the log of a phase the build view shows; 404 when the
 * job or the phase is not in the view (a phase not started has no log).
 * The text leaves out the runner's report block; offsets still count the
 * stored bytes, so a reader that resumes at `nextOffset` misses nothing. A
 * block longer than `limit` is read whole, so that answer may hold more
 * than `limit` bytes (never more than `maxLogChunkBytes`).
 */
export async function readPhaseLog(
  build: BuildView,
  query: PhaseLogQuery,
  logs: PhaseLogs,
): Promise<PhaseLogAnswer> {
  const { buildId } = build;
  const { jobId, phase, offset, limit } = query;
  const job = build.jobs.find((j) => j.jobId === jobId);
  if (!job) throw new NotFoundError(`job '${jobId}' not found in build ${buildId}`);
  const view = job.phases.findLast((p) => p.phase === phase);
  if (!view) {
    throw new NotFoundError(
      `phase '${phase}' of job '${jobId}' in build ${buildId} has not started`,
    );
  }

  const running = view.status === 'running';
  const where = {
    buildId,
    jobId,
    phase,
    offset,
    ...(view.logPointer !== undefined && { logPointer: view.logPointer }),
  };
  for (let size = limit; ; size = Math.min(size * 2, maxLogChunkBytes)) {
    const chunk = await logs.read({ ...where, limit: size });
    // Cut by the size, less up to 3 bytes of a character cut in two.
    const cut = chunk.nextOffset - offset > size - 4;
    const shown = outputWithoutReport(chunk.text, !running && !cut);
    // A report block the size cut at its start is read again, whole.
    if (shown.used > 0 || !cut || size >= maxLogChunkBytes) {
      const used = Buffer.byteLength(chunk.text.slice(0, shown.used), 'utf8');

      return {
        buildId,
        jobId,
        phase,
        offset,
        text: shown.text,
        nextOffset: offset + used,
        running,
      };
    }
  }
}
