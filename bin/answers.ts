/**
 * What the `bakehouse` commands expect of the backend's answers: JSON, by
 * its content type, of a shape each call names. A server that is not
 * Bakehouse (a web page, another API) then fails the command with a message
 * saying so, not with a TypeError from deep in its printing. A shape checks
 * the fields the commands read, not the whole view.
 */
import { z } from 'zod';
import type { ArtifactListAnswer } from '../shared/api/artifacts.ts';
import type { PhaseLogAnswer } from '../shared/api/phase-log.ts';
import type { ExecutionHistoryAnswer } from '../shared/api/ports.ts';
import type { CancelOutcome } from '../shared/operations/cancel-build.ts';
import type { RebuildOutcome } from '../shared/operations/rebuild.ts';
import type { ArtifactDownload } from '../shared/ports/artifact-store.ts';
import type { BuildView } from '../shared/views/build-view.ts';
import type { ImageView } from '../shared/views/image-view.ts';
import type {
  BuildSummary,
  ImageSummary,
  ProjectSummary,
  ProvenanceChain,
} from '../shared/views/queries.ts';

/** Raised for an answer that is not the Bakehouse API's; the message says what came. */
export class NotBakehouseApiError extends Error {
  override readonly name = 'NotBakehouseApiError';

  constructor(endpoint: string, detail: string) {
    super(`${endpoint} answered something that is not the Bakehouse API (${detail})`);
  }
}

/** The shape a call expects of its answer, which it then reads as `T`. */
export interface AnswerShape<T> {
  /** What the answer holds, for the message: "a build". */
  readonly what: string;
  readonly schema: z.ZodType;
  /** Never set: ties the shape to the type its answers are read as. */
  readonly answer?: T;
}

/** An answer's body as JSON, or why it is not JSON. */
export type JsonReading = { readonly json: unknown } | { readonly problem: string };

/** Reads an answer's body as JSON, when its content type says it is JSON. */
export async function readJson(response: Response): Promise<JsonReading> {
  const type = response.headers.get('content-type') ?? '';
  if (type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    return { problem: `${response.status} with ${type || 'no content type'}, not JSON` };
  }
  try {
    return { json: JSON.parse(await response.text()) };
  } catch {
    return { problem: `${response.status} with JSON that does not parse` };
  }
}

/** The JSON of an answer to `request` when it has the shape; else NotBakehouseApiError. */
export function checkedAnswer<T>(
  endpoint: string,
  request: string,
  reading: JsonReading,
  shape: AnswerShape<T>,
): T {
  if ('problem' in reading) {
    throw new NotBakehouseApiError(endpoint, `${request} answered ${reading.problem}`);
  }
  const checked = shape.schema.safeParse(reading.json);
  if (!checked.success) {
    const path = checked.error.issues[0]?.path.join('.') ?? '';
    throw new NotBakehouseApiError(
      endpoint,
      `${request} answered JSON that is not ${shape.what}${path ? `, at ${path}` : ''}`,
    );
  }

  return reading.json as T;
}

function shape<T>(what: string, fields: z.ZodRawShape): AnswerShape<T> {
  return { what, schema: z.looseObject(fields) };
}

const list = (fields: z.ZodRawShape) => z.array(z.looseObject(fields));

/** `GET /api/builds/<build>`. */
export const buildAnswer = shape<BuildView>('a build', {
  buildId: z.string(),
  status: z.string(),
  sha: z.string(),
  messages: z.array(z.unknown()),
  jobs: list({ jobId: z.string(), phases: list({ phase: z.string() }) }),
});

/** `GET /api/builds/<build>/states`. */
export const historyAnswer = shape<ExecutionHistoryAnswer>("an execution's history", {
  status: z.string(),
  events: z.array(z.unknown()),
});

/** `GET /api/builds/<build>/jobs/<job>/phases/<phase>/log`. */
export const phaseLogAnswer = shape<PhaseLogAnswer>('a piece of a phase log', {
  nextOffset: z.number(),
  text: z.string(),
});

/** `GET /api/builds/<build>/artifacts`. */
export const artifactsAnswer = shape<ArtifactListAnswer>("a build's artifacts", {
  buildId: z.string(),
  jobs: list({ jobId: z.string(), artifacts: list({ fileName: z.string() }) }),
});

/** `GET /api/builds/<build>/jobs/<job>/artifacts/<file>`, not followed. */
export const artifactLocation = shape<ArtifactDownload>("an artifact's place", {
  url: z.string(),
});

/** `GET /api/projects`. */
export const projectsAnswer = shape<{ projects: ProjectSummary[] }>(
  'a list of projects',
  {
    projects: list({ repository: z.string() }),
  },
);

/** `GET /api/projects/<owner>/<repo>/builds`. */
export const buildsAnswer = shape<{ builds: BuildSummary[] }>('a list of builds', {
  builds: list({ buildId: z.string(), sha: z.string(), commitTitle: z.string() }),
});

/** `GET /api/images`. */
export const imagesAnswer = shape<{ images: ImageSummary[] }>('a list of images', {
  images: list({ name: z.string(), versionCount: z.number() }),
});

/** `GET /api/images/<name>`. */
export const imageAnswer = shape<ImageView>('an image', {
  name: z.string(),
  versions: list({ version: z.number(), status: z.string() }),
});

/** `GET /api/images/<name>/versions/<version>/provenance`. */
export const provenanceAnswer = shape<ProvenanceChain>("a version's provenance", {
  image: z.looseObject({ name: z.string(), version: z.number() }),
  ancestors: z.array(z.unknown()),
});

/** `POST /api/builds/<build>/cancel`. */
export const cancelAnswer = shape<CancelOutcome>('a cancel', {
  buildId: z.string(),
  reason: z.string(),
  terminated: z.array(z.string()),
});

/** `POST /api/builds/<build>/rebuild`. */
export const rebuildAnswer = shape<RebuildOutcome>('a rebuild', {
  buildId: z.string(),
  rebuildOf: z.string(),
});

/** `POST /api/images/<name>/rollback`. */
export const rollbackAnswer = shape<{ currentVersion: number }>('a rollback', {
  currentVersion: z.number(),
});

/** `POST .../versions/<version>/deprecate` and `DELETE .../versions/<version>`. */
export const versionAnswer = shape<{ version: number }>("a version's change", {
  version: z.number(),
});

/** `POST /webhook`: the build it requested, or why none. */
export const webhookAnswer: AnswerShape<Readonly<Record<string, unknown>>> = {
  what: "a webhook's answer",
  schema: z
    .looseObject({ buildId: z.string().optional(), message: z.string().optional() })
    .refine((body) => body.buildId !== undefined || body.message !== undefined),
};
