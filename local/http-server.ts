import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

/** A handler mounted on a path: a Function URL event in, a Function URL result out. */
export type Route = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A route that answers a request itself, streaming its body. */
export type StreamRoute = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<void>;

/** A Lambda handler of a Function URL, as middy builds it. */
export type FunctionUrlHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  /** Default: a free port. */
  readonly port?: number;
  /**
   * Routes by `METHOD /path`, e.g. `POST /webhook`; more can be mounted later.
   * A key ending in `/*` (`GET /api/*`) takes every path under its prefix
   * that no exact key takes; the longest such prefix wins.
   */
  readonly routes?: Readonly<Record<string, Route>>;
  /** Bodies over this answer 413, as a Function URL does. Default 6 MB. */
  readonly maxBodyBytes?: number;
}

/** The port the server was to listen on is taken. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Port ${port} on 127.0.0.1 is in use (a backend already running, or ` +
        'another program): choose another with --port, or leave it out for a free one',
    );
    this.name = 'PortInUseError';
  }
}

/** A running local server. */
export interface LocalHttpServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Mounts a route, `METHOD /path`, replacing any earlier one. */
  mount(route: string, handler: Route): void;
  /**
   * Mounts a route that streams its own answer, for every GET under `prefix`
   * (`/artifacts`); it is asked before the routes of {@link mount}.
   */
  mountStream(prefix: string, handler: StreamRoute): void;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

/**
 * Starts a node:http server on 127.0.0.1 that hands each request to the route
 * of its method and path, in the shape a Lambda Function URL gives, the body
 * always base64-encoded. The embedded mode serves intake and the read API here.
 */
export async function startHttpServer(
  options: HttpServerOptions = {},
): Promise<LocalHttpServer> {
  const routes = new Map(Object.entries(options.routes ?? {}));
  const streams = new Map<string, StreamRoute>();
  const maxBodyBytes = options.maxBodyBytes ?? 6_000_000;
  const server = createServer((request, response) => {
    const url = requestUrl(request);
    if (!url) {
      void send(response, {
        statusCode: 400,
        body: '{"message":"the request target is no path"}',
      });
      return;
    }
    const stream = streamRoute(streams, request, url);
    const handled = stream
      ? stream(request, response)
      : serve(request, response, url, routes, maxBodyBytes);
    // A client that goes away mid-request (its body cut short) ends only its
    // own request, never the server.
    handled.catch(() => response.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port ?? 0) : error);
    });
    // A deep accept queue: a burst of redeliveries opens many connections at once.
    server.listen({ port: options.port ?? 0, host: '127.0.0.1', backlog: 4096 }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    mount: (route, handler) => {
      routes.set(route, handler);
    },
    mountStream: (prefix, handler) => {
      streams.set(prefix.replace(/\/+$/, ''), handler);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A route that calls a Function URL Lambda handler with a local context. */
export function functionUrlRoute(
  handler: FunctionUrlHandler,
  functionName: string,
): Route {
  return (event) => handler(event, localContext(functionName));
}

/**
 * The request target as a URL of this server, or undefined when it is none
 * (`//`, say, which `new URL` with a base takes for a host that is missing).
 */
function requestUrl(request: IncomingMessage): URL | undefined {
  const target = request.url ?? '/';
  if (!target.startsWith('/')) return undefined;
  try {
    return new URL(`http://127.0.0.1${target}`);
  } catch {
    return undefined;
  }
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  routes: Map<string, Route>,
  maxBodyBytes: number,
): Promise<void> {
  const route =
    routes.get(`${request.method} ${url.pathname}`) ??
    prefixRoute(routes, `${request.method} ${url.pathname}`);
  const body = await readBody(request, maxBodyBytes);
  if (!route)
    return send(response, { statusCode: 404, body: '{"message":"no such route"}' });
  if (!body)
    return send(response, { statusCode: 413, body: '{"message":"body too large"}' });

  try {
    await send(response, await route(functionUrlEvent(request, url, body)));
  } catch {
    await send(response, { statusCode: 500, body: '{"message":"internal error"}' });
  }
}

/** The stream route of a GET under one of the stream prefixes. */
function streamRoute(
  streams: Map<string, StreamRoute>,
  request: IncomingMessage,
  url: URL,
): StreamRoute | undefined {
  if (request.method !== 'GET') return undefined;
  const path = url.pathname;
  for (const [prefix, route] of streams) {
    if (path.startsWith(`${prefix}/`)) return route;
  }

  return undefined;
}

/** The route of the longest `METHOD /prefix/*` key that covers the request. */
function prefixRoute(routes: Map<string, Route>, request: string): Route | undefined {
  let best: [string, Route] | undefined;
  for (const [key, route] of routes) {
    if (!key.endsWith('/*')) continue;
    const prefix = key.slice(0, -2);
    const covers = request === prefix || request.startsWith(`${prefix}/`);
    if (covers && (!best || prefix.length > best[0].length)) best = [prefix, route];
  }

  return best?.[1];
}

/** The whole body, or undefined once it passes the limit (the rest is drained). */
async function readBody(
  request: IncomingMessage,
  limit: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }

  return size <= limit ? Buffer.concat(chunks) : undefined;
}

function functionUrlEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const method = request.method ?? 'GET';

  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

function send(
  response: ServerResponse,
  result: APIGatewayProxyStructuredResultV2,
): Promise<void> {
  const headers = { 'content-type': 'application/json', ...result.headers };

  return new Promise((resolve) => {
    response.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
    response.end(result.body ?? '', () => resolve());
  });
}

function localContext(functionName: string): Context {
  const deadline = Date.now() + 30_000;

  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
