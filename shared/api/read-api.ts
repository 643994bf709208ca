/**
 * The read API: projects, builds, a build's jobs and phases, its execution's
 * states, phase logs, artifacts, images, versions and provenance, as JSON
 * over GET (an artifact answers a redirect to its bytes).
 * One handler takes an API Gateway v2 (or Function URL) event and answers,
 * so the local server and a Lambda behind API Gateway serve it unchanged.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ViewQueries } from '../views/queries.ts';
import {
  BadParameterError,
  jsonAnswer,
  messageAnswer,
  NotFoundError,
  Redirect,
  redirectAnswer,
} from './answers.ts';
import { listArtifacts, locateArtifact } from './artifacts.ts';
import {
  idParameter,
  imageNameParameter,
  integerParameter,
  phaseParameter,
} from './parameters.ts';
import { defaultLogChunkBytes, maxLogChunkBytes, readPhaseLog } from './phase-log.ts';
import type { ExecutionHistory, PhaseLogs } from './ports.ts';
import { type PathParameters, PathRouter } from './router.ts';

/** What the read API reads from. */
export interface ReadApiDeps {
  readonly views: Pick<
    ViewQueries,
    | 'listProjects'
    | 'listBuilds'
    | 'getBuild'
    | 'listImages'
    | 'getImage'
    | 'getProvenance'
  >;
  readonly history: ExecutionHistory;
  readonly logs: PhaseLogs;
  /** Where artifacts are fetched from. */
  readonly artifacts: Pick<ArtifactStore, 'downloadUrl'>;
  /** Where unexpected failures are reported; default: console.error. */
  readonly log?: { error(message: string, attributes: Record<string, unknown>): void };
}

/** An API Gateway v2 event in, a result out: the shape of a local route and a Lambda. */
export type ReadApiHandler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

type Answer = (p: PathParameters, query: URLSearchParams) => Promise<unknown>;

/** The most builds one list answer carries. */
export const maxBuildsListed = 1000;

/** The read API's handler over the views and the three ports. */
export function readApiHandler(deps: ReadApiDeps): ReadApiHandler {
  const router = new PathRouter<Answer>(routes(deps));

  return async (event) => {
    const path = pathOf(event);
    const route = router.match(path);
    if (!route) return messageAnswer(404, `no route GET ${path}`);
    if (event.requestContext.http.method !== 'GET') {
      return messageAnswer(405, `${path} answers GET only`);
    }

    try {
      const query = new URLSearchParams(event.rawQueryString ?? '');
      const answer = await route.answer(route.parameters, query);

      return answer instanceof Redirect
        ? redirectAnswer(answer)
        : jsonAnswer(200, answer);
    } catch (error) {
      if (error instanceof NotFoundError) return messageAnswer(404, error.message);
      if (error instanceof BadParameterError) return messageAnswer(400, error.message);
      (deps.log ?? console).error('read API request failed', { path, error });

      return messageAnswer(500, `reading ${path} failed; the backend's log says why`);
    }
  };
}

function routes(deps: ReadApiDeps): { path: string; answer: Answer }[] {
  const { views } = deps;
  const build = async (id: string) => {
    const buildId = idParameter('build id', id);
    const view = await views.getBuild(buildId);
    if (!view) throw new NotFoundError(`build ${buildId} not found`);

    return view;
  };

  return [
    {
      path: '/api/projects',
      answer: async () => ({ projects: await views.listProjects() }),
    },
    {
      path: '/api/projects/{owner}/{repo}/builds',
      answer: async ({ owner, repo }, query) => {
        const repository = `${owner}/${repo}`;
        const limit = integerParameter('limit', query.get('limit'), {
          min: 1,
          max: maxBuildsListed,
          fallback: 50,
        });
        const builds = await views.listBuilds(repository, limit);
        if (builds.length === 0) {
          throw new NotFoundError(`project ${repository} not found: it has no builds`);
        }

        return { repository: builds[0]?.repository ?? repository, builds };
      },
    },
    { path: '/api/builds/{buildId}', answer: ({ buildId = '' }) => build(buildId) },
    {
      path: '/api/builds/{buildId}/states',
      answer: async ({ buildId = '' }) => {
        const view = await build(buildId);
        const history = await deps.history.historyOf(view.buildId);
        if (!history) {
          throw new NotFoundError(`no execution history of build ${view.buildId}`);
        }

        return { buildId: view.buildId, ...history };
      },
    },
    {
      path: '/api/builds/{buildId}/jobs/{jobId}/phases/{phase}/log',
      answer: async ({ buildId = '', jobId = '', phase = '' }, query) =>
        readPhaseLog(
          await build(buildId),
          {
            jobId: idParameter('job id', jobId),
            phase: phaseParameter(phase),
            offset: integerParameter('offset', query.get('offset'), {
              min: 0,
              max: Number.MAX_SAFE_INTEGER,
              fallback: 0,
            }),
            limit: integerParameter('limit', query.get('limit'), {
              min: 1,
              max: maxLogChunkBytes,
              fallback: defaultLogChunkBytes,
            }),
          },
          deps.logs,
        ),
    },
    {
      path: '/api/builds/{buildId}/artifacts',
      answer: async ({ buildId = '' }) => listArtifacts(await build(buildId)),
    },
    {
      path: '/api/builds/{buildId}/jobs/{jobId}/artifacts/{fileName+}',
      answer: async ({ buildId = '', jobId = '', fileName = '' }) =>
        locateArtifact(
          await build(buildId),
          idParameter('job id', jobId),
          fileName,
          deps.artifacts,
        ),
    },
    {
      path: '/api/images',
      answer: async () => ({ images: await views.listImages() }),
    },
    {
      path: '/api/images/{name}',
      answer: async ({ name = '' }) => {
        const image = await views.getImage(imageNameParameter(name));
        if (!image) throw new NotFoundError(`image '${name}' not found`);

        return image;
      },
    },
    {
      path: '/api/images/{name}/versions/{version}/provenance',
      answer: async ({ name = '', version = '' }) => {
        const number = integerParameter('version', version, {
          min: 1,
          max: Number.MAX_SAFE_INTEGER,
        });
        const chain = await views.getProvenance(imageNameParameter(name), number);
        if (!chain)
          throw new NotFoundError(`version ${number} of image '${name}' not found`);

        return chain;
      },
    },
  ];
}

/**
 * The request path without the stage: API Gateway puts a named stage in
 * front of the path; the `$default` stage and Function URLs do not.
 */
export function pathOf(event: APIGatewayProxyEventV2): string {
  const stage = event.requestContext.stage;
  const path = event.rawPath;
  if (!stage || stage === '$default') return path;

  return path.startsWith(`/${stage}/`) ? path.slice(stage.length + 1) : path;
}
