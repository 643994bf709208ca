import { parseArgs } from 'node:util';
import { argumentErrorOf } from '../shared/text/argument-error.ts';

/** What `npm run serve -- ...` was asked for. */
export interface ServeOptions {
  /** The HTTP port; absent for a free one. */
  readonly port?: number;
  /** The state folder; absent for `$BAKEHOUSE_STATE_DIR`, else `.bakehouse`. */
  readonly stateDir?: string;
}

/** How `npm run serve` is called, printed with a usage error. */
export const serveUsage =
  'Usage: npm run serve -- [--port N] [--state-dir DIR]\n' +
  '  --port N         the HTTP port, 0 to 65535 (default: a free one)\n' +
  '  --state-dir DIR  the state folder (default: $BAKEHOUSE_STATE_DIR, else .bakehouse)';

/** An option of `npm run serve` that is unknown, or a value it cannot take. */
export class ServeUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServeUsageError';
  }
}

/** The options of `npm run serve`, or a {@link ServeUsageError} saying which is wrong. */
export function parseServeArgs(argv: readonly string[]): ServeOptions {
  let values: { port?: string; 'state-dir'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, 'state-dir': { type: 'string' } },
    }));
  } catch (error) {
    throw new ServeUsageError(argumentErrorOf(error));
  }
  const { port, 'state-dir': stateDir } = values;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) {
    throw new ServeUsageError(`--port takes a number from 0 to 65535, not '${port}'`);
  }
  if (port !== undefined && Number(port) > 65_535) {
    throw new ServeUsageError(`--port takes a number from 0 to 65535, not ${port}`);
  }

  return {
    ...(port !== undefined && { port: Number(port) }),
    ...(stateDir && { stateDir }),
  };
}
