import { open } from 'node:fs/promises';
import path from 'node:path';
import type { PhaseLogChunk, PhaseLogRequest, PhaseLogs } from '../shared/api/ports.ts';
import { phaseLogFile } from './runner-fleet/layout.ts';

/** Raised when a log pointer leads outside the state folder's `logs/`. */
export class PhaseLogLocationError extends Error {
  override readonly name = 'PhaseLogLocationError';
}

/**
 * Phase logs of the embedded mode: the files the local runner fleet writes
 * under `<state folder>/logs/`, read by byte offset. The runner script has
 * masked secure values before a byte reaches the file.
 */
export class LocalPhaseLogs implements PhaseLogs {
  readonly #stateFolder: string;

  constructor(stateFolder: string) {
    this.#stateFolder = stateFolder;
  }

  /** A piece of the phase's file; empty while the file does not exist yet. */
  async read(request: PhaseLogRequest): Promise<PhaseLogChunk> {
    const file = this.#fileOf(request);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { text: '', nextOffset: request.offset };
      }
      throw error;
    }
    try {
      const buffer = Buffer.alloc(request.limit);
      const { bytesRead } = await handle.read(buffer, 0, request.limit, request.offset);
      const whole = wholeCharacters(buffer.subarray(0, bytesRead));

      return { text: whole.toString('utf8'), nextOffset: request.offset + whole.length };
    } finally {
      await handle.close();
    }
  }

  /** The pointer PhaseFinished recorded, else where the fleet writes the phase's log. */
  #fileOf(request: PhaseLogRequest): string {
    const { buildId, jobId, phase, logPointer } = request;
    const logs = path.resolve(this.#stateFolder, 'logs');
    const file = path.resolve(
      logPointer ?? phaseLogFile(this.#stateFolder, buildId, jobId, phase),
    );
    if (!file.startsWith(`${logs}${path.sep}`)) {
      throw new PhaseLogLocationError(
        `The log of phase ${phase} of job ${jobId} in build ${buildId} points ` +
          `outside ${logs}: ${file}`,
      );
    }

    return file;
  }
}

/**
 * The bytes up to the last whole UTF-8 character: a character the read cut
 * in two is left for the next read, so no reader sees half of one.
 */
function wholeCharacters(bytes: Buffer): Buffer {
  let start = bytes.length - 1;
  // Walk back over at most three continuation bytes (10xxxxxx) to a lead byte.
  while (start >= 0 && bytes.length - start <= 4 && (bytes[start] ?? 0) >> 6 === 2) {
    start -= 1;
  }
  if (start < 0) return bytes;
  const lead = bytes[start] ?? 0;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;

  return start + size > bytes.length ? bytes.subarray(0, start) : bytes;
}
