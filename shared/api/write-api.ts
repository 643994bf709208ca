/**
 * The write API: an operator's commands on builds (cancel, rebuild) and on
 * images (roll back, deprecate, delete a version), over POST and DELETE.
 * Like the read API, one handler takes an API Gateway v2 event, so the
 * local server and the Lambda behind API Gateway serve it unchanged.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { ImageCommandRefusedError, ImageNotFoundError } from '../images/errors.ts';
import type { ImageRegistry } from '../images/registry.ts';
import { cancelBuild, defaultCancelReason } from '../operations/cancel-build.ts';
import type { BuildCommandDeps } from '../operations/deps.ts';
import { BuildCommandRefusedError, BuildNotFoundError } from '../operations/errors.ts';
import { rebuild } from '../operations/rebuild.ts';
import {
  BadParameterError,
  jsonAnswer,
  messageAnswer,
  NotFoundError,
} from './answers.ts';
import { idParameter, imageNameParameter, integerParameter } from './parameters.ts';
import { pathOf } from './read-api.ts';
import { jsonBody, reasonField } from './request-body.ts';
import { type PathParameters, PathRouter } from './router.ts';

/** What the write API acts through. */
export interface WriteApiDeps extends BuildCommandDeps {
  readonly images: Pick<ImageRegistry, 'rollBack' | 'deprecate' | 'deleteVersion'>;
  /** Where unexpected failures are reported; default: console.error. */
  readonly errorLog?: {
    error(message: string, attributes: Record<string, unknown>): void;
  };
}

/** An API Gateway v2 event in, a result out. */
export type WriteApiHandler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

interface WriteRoute {
  readonly method: 'POST' | 'DELETE';
  readonly status: number;
  readonly act: (
    p: PathParameters,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ) => Promise<unknown>;
}

/** The write API's handler: 404 and 409 answers say what was not found or refused. */
export function writeApiHandler(deps: WriteApiDeps): WriteApiHandler {
  const router = new PathRouter<WriteRoute>(routes(deps));

  return async (event) => {
    const path = pathOf(event);
    const method = event.requestContext.http.method;
    const route = router.match(path);
    if (!route) return messageAnswer(404, `no route ${method} ${path}`);
    const { answer, parameters } = route;
    if (method !== answer.method) {
      return messageAnswer(405, `${path} answers ${answer.method} only`);
    }

    try {
      const query = new URLSearchParams(event.rawQueryString ?? '');
      const result = await answer.act(parameters, jsonBody(event), query);

      return jsonAnswer(answer.status, result);
    } catch (error) {
      const status = statusOf(error);
      if (status) return messageAnswer(status, messageOf(error as Error));
      (deps.errorLog ?? console).error('write API request failed', { path, error });

      return messageAnswer(500, `${method} ${path} failed; the backend's log says why`);
    }
  };
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof BuildNotFoundError) return 404;
  if (error instanceof ImageNotFoundError) return 404;
  if (error instanceof BadParameterError) return 400;
  if (error instanceof BuildCommandRefusedError) return 409;
  if (error instanceof ImageCommandRefusedError) return 409;

  return undefined;
}

/** The error's message; an unknown image says so in the API's words. */
function messageOf(error: Error): string {
  if (error instanceof ImageNotFoundError) return `image '${error.imageName}' not found`;

  return error.message;
}

function routes(deps: WriteApiDeps): { path: string; answer: WriteRoute }[] {
  const version = (value: string | undefined) =>
    integerParameter('version', value, { min: 1, max: Number.MAX_SAFE_INTEGER });
  const name = (value = '') => imageNameParameter(value);

  return [
    {
      path: '/api/builds/{buildId}/cancel',
      answer: {
        method: 'POST',
        status: 202,
        act: ({ buildId = '' }, body) =>
          cancelBuild(
            idParameter('build id', buildId),
            reasonField(body.reason, defaultCancelReason),
            deps,
          ),
      },
    },
    {
      path: '/api/builds/{buildId}/rebuild',
      answer: {
        method: 'POST',
        status: 202,
        act: ({ buildId = '' }) => rebuild(idParameter('build id', buildId), deps),
      },
    },
    {
      path: '/api/images/{name}/rollback',
      answer: {
        method: 'POST',
        status: 200,
        act: async (p, body) => {
          const requested = body.version;
          if (requested !== undefined && typeof requested !== 'number') {
            throw new BadParameterError('version should be a number');
          }
          const target = requested === undefined ? undefined : version(String(requested));
          const current = await deps.images.rollBack(name(p.name), target);

          return { name: p.name, currentVersion: current };
        },
      },
    },
    {
      path: '/api/images/{name}/versions/{version}/deprecate',
      answer: {
        method: 'POST',
        status: 200,
        act: async (p) => {
          const number = version(p.version);
          await deps.images.deprecate(name(p.name), number);

          return { name: p.name, version: number, deprecated: true };
        },
      },
    },
    {
      path: '/api/images/{name}/versions/{version}',
      answer: {
        method: 'DELETE',
        status: 200,
        act: async (p, _body, query) => {
          const number = version(p.version);
          const force = forceParameter(query.get('force'));
          await deps.images.deleteVersion(name(p.name), number, force);

          return { name: p.name, version: number, deleted: true };
        },
      },
    },
  ];
}

function forceParameter(value: string | null): boolean {
  if (value === null || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new BadParameterError(`force '${value}' should be true or false`);
}
