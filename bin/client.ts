/**
 * The API client the `bakehouse` commands share: where the backend is,
 * requests whose answers are checked (answers.ts) with clear errors, and the
 * argument handling every command that talks to a backend has in common.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { argumentErrorOf } from '../shared/text/argument-error.ts';
import {
  type AnswerShape,
  checkedAnswer,
  NotBakehouseApiError,
  readJson,
} from './answers.ts';
import { stackVariable } from './encrypt.ts';
import {
  type FetchFunction,
  StackEndpointError,
  stackEndpoint,
  stackFetch,
} from './stack-endpoint.ts';

/** The environment variable naming the backend's URL. */
export const endpointVariable = 'BAKEHOUSE_ENDPOINT';

/** The environment variable naming the state folder. */
export const stateDirVariable = 'BAKEHOUSE_STATE_DIR';

/** Raised when no backend is known or none answers; the message says how to start one. */
/** An argument of the right count but the wrong form, found by a command's body: exit 2. */
export class CommandUsageError extends Error {
  override readonly name = 'CommandUsageError';
}

export class BackendUnreachableError extends Error {
  override readonly name = 'BackendUnreachableError';
}

/** Raised for a 4xx or 5xx answer; the message is the API's own. */
export class ApiAnswerError extends Error {
  override readonly name = 'ApiAnswerError';

  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const startHint = 'start one with `npm run serve`';

/** How to start the backend of the state folder the CLI looks in. */
function startHintOf(env: NodeJS.ProcessEnv): string {
  return env[stateDirVariable]
    ? `start one with \`npm run serve -- --state-dir ${stateDirOf(env)}\``
    : startHint;
}

/** The state folder: $BAKEHOUSE_STATE_DIR, else `.bakehouse` in the current folder. */
export function stateDirOf(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env[stateDirVariable] || '.bakehouse');
}

/** The file in which a running backend writes its URL. */
function endpointFileOf(env: NodeJS.ProcessEnv): string {
  return path.join(stateDirOf(env), 'endpoint');
}

/**
 * Where to look instead, for a backend found through the state folder's
 * endpoint file that does not answer: a backend that stopped, or one
 * started with a state folder of its own.
 */
function staleEndpointHint(env: NodeJS.ProcessEnv): string {
  return (
    `the address comes from ${endpointFileOf(env)}, written by a backend that ` +
    `is no longer running; ${startHintOf(env)}, or point at yours with --endpoint URL ` +
    `or ${stateDirVariable}=<its --state-dir>`
  );
}

/**
 * The backend's URL: `--endpoint`, else $BAKEHOUSE_ENDPOINT, else the
 * `endpoint` file the running backend writes in the state folder.
 */
export async function resolveEndpoint(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const given = flag || env[endpointVariable];
  if (given) return given.replace(/\/+$/, '');
  const file = endpointFileOf(env);
  const written = await readFile(file, 'utf8').catch(() => '');
  if (written.trim()) return written.trim().replace(/\/+$/, '');

  throw new BackendUnreachableError(
    `No Bakehouse backend is known: no --endpoint, no ${endpointVariable}, ` +
      `no ${file}; ${startHintOf(env)}`,
  );
}

/** A client of one backend's read API and webhook. */
export class BakehouseClient {
  readonly #send: FetchFunction;

  /**
   * `send` defaults to the global fetch; a deployed stack's client signs.
   * `unreachableHint` says what to do when nothing answers.
   */
  constructor(
    readonly endpoint: string,
    send?: FetchFunction,
    readonly unreachableHint: string = startHint,
  ) {
    this.#send = send ?? ((url, init) => fetch(url, init));
  }

  /** GETs a read API path (`/api/...`) and returns its JSON, of the shape given. */
  async get<T>(apiPath: string, shape: AnswerShape<T>): Promise<T> {
    return this.#read(apiPath, shape, false);
  }

  /**
   * GETs a read API path that answers a redirect (an artifact) and returns
   * its JSON, which says where it points, without following it: the place
   * it points to takes no credential, and must get none of the backend's.
   */
  async locate<T>(apiPath: string, shape: AnswerShape<T>): Promise<T> {
    return this.#read(apiPath, shape, true);
  }

  async #read<T>(apiPath: string, shape: AnswerShape<T>, redirects: boolean): Promise<T> {
    const response = await this.#fetch(apiPath, {
      method: 'GET',
      ...(redirects && { redirect: 'manual' as const }),
    });
    const redirected = redirects && response.status === 302;

    return this.#answer(`GET ${apiPath}`, response, shape, redirected);
  }

  /** Sends a command (POST or DELETE `/api/...`) and returns its JSON answer. */
  async command<T>(
    method: 'POST' | 'DELETE',
    apiPath: string,
    shape: AnswerShape<T>,
    body?: unknown,
  ): Promise<T> {
    const response = await this.#fetch(apiPath, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    });

    return this.#answer(`${method} ${apiPath}`, response, shape, false);
  }

  /** A successful answer of the shape, or the error an answer means. */
  async #answer<T>(
    request: string,
    response: Response,
    shape: AnswerShape<T>,
    redirected: boolean,
  ): Promise<T> {
    const reading = await readJson(response);
    if (!response.ok && !redirected) {
      const { message } = ('json' in reading ? reading.json : {}) as {
        message?: unknown;
      };
      throw new ApiAnswerError(
        response.status,
        typeof message === 'string' ? message : `${request} answered ${response.status}`,
      );
    }

    return checkedAnswer(this.endpoint, request, reading, shape);
  }

  async #fetch(backendPath: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#send(`${this.endpoint}${backendPath}`, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? '';
      throw new BackendUnreachableError(
        `No Bakehouse backend answers at ${this.endpoint}` +
          `${cause ? ` (${cause})` : ''}; ${this.unreachableHint}`,
      );
    }
  }
}

/** The parsed arguments of a command that talks to a backend. */
export interface ClientCommandInput<V> {
  readonly values: V;
  readonly positionals: readonly string[];
  readonly client: BakehouseClient;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Runs a backend command: parses its options (plus `--endpoint` and
 * `--help`), finds the backend, and turns failures into exit codes: 2 for
 * wrong usage, 1 for an unreachable backend, an error answer or an answer
 * that is not the Bakehouse API's.
 */
export async function runClientCommand<O extends Options>(
  name: string,
  usage: string,
  options: O,
  argv: readonly string[],
  body: (input: ClientCommandInput<Record<string, unknown>>) => Promise<number>,
  positionals: { min: number; max: number } = { min: 0, max: 0 },
): Promise<number> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...options,
        endpoint: { type: 'string' },
        stack: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`bakehouse ${name}: ${argumentErrorOf(error)}\n${usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    process.stderr.write(`bakehouse ${name}: wrong arguments\n${usage}\n`);
    return 2;
  }

  try {
    const client = await clientOf(parsed.values);

    return await body({ ...parsed, client });
  } catch (error) {
    if (error instanceof CommandUsageError) {
      process.stderr.write(`bakehouse ${name}: ${error.message}\n${usage}\n`);
      return 2;
    }
    const known = [
      BackendUnreachableError,
      ApiAnswerError,
      NotBakehouseApiError,
      StackEndpointError,
    ];
    if (known.some((kind) => error instanceof kind)) {
      process.stderr.write(`bakehouse ${name}: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * The client of the backend the options name: `--endpoint`, else `--stack`
 * (signed requests to the stack's operator API), else $BAKEHOUSE_ENDPOINT,
 * else $BAKEHOUSE_STACK, else the state folder's endpoint file.
 */
async function clientOf(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BakehouseClient> {
  const endpoint = values.endpoint as string | undefined;
  const stack =
    (values.stack as string | undefined) ||
    (env[endpointVariable] ? '' : env[stackVariable]);
  if (endpoint || !stack) {
    const fromFile = !endpoint && !env[endpointVariable];
    const hint = fromFile ? staleEndpointHint(env) : startHint;

    return new BakehouseClient(await resolveEndpoint(endpoint, env), undefined, hint);
  }
  // Not destroyed: its credential provider signs every request after this.
  const cloudFormation = new CloudFormationClient({});

  return new BakehouseClient(
    await stackEndpoint(cloudFormation, stack),
    await stackFetch(cloudFormation),
  );
}
