/**
 * Phase logs on AWS: the CloudWatch Logs stream SSM Run Command wrote a
 * phase's output to, named by the `<log group>:<log stream>` pointer that
 * PhaseFinished records, read with GetLogEvents from the head.
 *
 * The read API counts a log in bytes of UTF-8 text, each log event's message
 * followed by a newline; CloudWatch pages by opaque tokens. The adapter maps
 * one onto the other by reading forward from the head and skipping the
 * bytes before the offset, and keeps, per container, the forward token of
 * every page start it has passed with the byte offset there, so a reader
 * that follows a log resumes at the nearest page start instead of the head.
 *
 * Known shortcoming: while a phase runs its stream is not known (SSM names it
 * after the command id, which nothing records until PhaseFinished), so the
 * log of a running phase reads empty on AWS until the phase ends.
 */
import {
  type CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { PhaseLogChunk, PhaseLogRequest, PhaseLogs } from '../api/ports.ts';

/** Raised for a log pointer that is not `<log group>:<log stream>` in the runner group. */
export class PhaseLogPointerError extends Error {
  override readonly name = 'PhaseLogPointerError';
}

/** Page starts kept per stream, and streams kept, per container. */
const maxMarksPerStream = 200;
const maxStreams = 100;

interface PageMark {
  readonly offset: number;
  readonly token: string;
}

/** Phase logs read from the runners' CloudWatch Logs group. */
export class CloudWatchPhaseLogs implements PhaseLogs {
  readonly #client: CloudWatchLogsClient;
  readonly #logGroupName: string;
  readonly #marks = new Map<string, PageMark[]>();

  constructor(client: CloudWatchLogsClient, logGroupName: string) {
    this.#client = client;
    this.#logGroupName = logGroupName;
  }

  /** A piece of the phase's log; empty while no pointer (or no stream yet) exists. */
  async read(request: PhaseLogRequest): Promise<PhaseLogChunk> {
    if (!request.logPointer) return { text: '', nextOffset: request.offset };
    const stream = this.#streamOf(request);
    const start = this.#nearestMark(stream, request.offset);
    const chunks: Buffer[] = [];
    let position = start.offset;
    let token: string | undefined = start.token || undefined;
    let wanted = request.limit;

    try {
      while (wanted > 0) {
        const page = await this.#client.send(
          new GetLogEventsCommand({
            logGroupName: this.#logGroupName,
            logStreamName: stream,
            startFromHead: true,
            ...(token && { nextToken: token }),
          }),
        );
        const bytes = Buffer.from(
          (page.events ?? []).map((e) => `${e.message ?? ''}\n`).join(''),
          'utf8',
        );
        const from = Math.max(0, request.offset - position);
        const taken = bytes.subarray(from, from + wanted);
        chunks.push(taken);
        wanted -= taken.length;
        position += bytes.length;
        const next = page.nextForwardToken;
        if (!next || next === token) break;
        this.#mark(stream, { offset: position, token: next });
        token = next;
      }
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        return { text: '', nextOffset: request.offset };
      }
      throw error;
    }
    // A character the limit cut in two waits for the next read.
    const text = new TextDecoder().decode(Buffer.concat(chunks), { stream: true });

    return { text, nextOffset: request.offset + Buffer.byteLength(text, 'utf8') };
  }

  #streamOf(request: PhaseLogRequest): string {
    const pointer = request.logPointer ?? '';
    const colon = pointer.indexOf(':');
    const group = pointer.slice(0, colon);
    if (colon < 1 || group !== this.#logGroupName) {
      throw new PhaseLogPointerError(
        `The log of phase ${request.phase} of job ${request.jobId} in build ` +
          `${request.buildId} points outside ${this.#logGroupName}: ${pointer}`,
      );
    }

    return pointer.slice(colon + 1);
  }

  #nearestMark(stream: string, offset: number): PageMark {
    const marks = this.#marks.get(stream) ?? [];

    return marks.findLast((m) => m.offset <= offset) ?? { offset: 0, token: '' };
  }

  #mark(stream: string, mark: PageMark): void {
    let marks = this.#marks.get(stream);
    if (!marks) {
      if (this.#marks.size >= maxStreams) {
        const oldest = this.#marks.keys().next().value;
        if (oldest !== undefined) this.#marks.delete(oldest);
      }
      marks = [];
      this.#marks.set(stream, marks);
    }
    if (marks.some((m) => m.offset === mark.offset)) return;
    if (marks.length >= maxMarksPerStream) return;
    marks.push(mark);
    marks.sort((a, b) => a.offset - b.offset);
  }
}
