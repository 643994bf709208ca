/**
 * `bakehouse image rollback|deprecate|delete ...`: the operator's commands on
 * a custom image's versions, reached through `bakehouse image`.
 */
import { parseArgs } from 'node:util';
import { rollbackAnswer, versionAnswer } from './answers.ts';
import {
  type ClientCommandInput,
  CommandUsageError,
  runClientCommand,
} from './client.ts';
import { json } from './format.ts';

const usage = `Usage: bakehouse image rollback <name> [--to V]
       bakehouse image deprecate <name> <version>
       bakehouse image delete <name> <version> [--force]
       (each with [--json] [--endpoint URL | --stack NAME])

rollback   makes an earlier version current: V, or the one before the current
deprecate  marks a version that is not current as deprecated
delete     deletes a version and its stored image; the current version only
           with --force (the newest other becomes current); never while a
           running build uses it
Versions are written 3 or v3. An image named like an operation is shown
with bakehouse image -- <name>.
Exit codes: 0 done, 1 no backend, no such image or version, or a refusal,
2 wrong usage.`;

const options = {
  to: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The image operations, by their word after `bakehouse image`. */
export const imageOperations = ['rollback', 'deprecate', 'delete'] as const;

type Operation = (typeof imageOperations)[number];

const arity: Readonly<Record<Operation, number>> = {
  rollback: 1,
  deprecate: 2,
  delete: 2,
};

/**
 * The first argument that is no option nor an option's value, where it is,
 * and whether it comes after `--` (then it is a name, never an operation).
 */
function firstPositional(argv: readonly string[]): {
  word?: string;
  index: number;
  afterTerminator: boolean;
} {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...options, endpoint: { type: 'string' }, stack: { type: 'string' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const found = tokens.find((t) => t.kind === 'positional');
  const afterTerminator = tokens.some(
    (t) => t.kind === 'option-terminator' && (!found || t.index < found.index),
  );

  return found?.kind === 'positional'
    ? { word: found.value, index: found.index, afterTerminator }
    : { index: -1, afterTerminator };
}

/**
 * True when `bakehouse image` was given an operation: its word, not after
 * `--` (`bakehouse image -- delete` shows an image named delete).
 */
export function isImageOperation(argv: readonly string[]): boolean {
  const { word, afterTerminator } = firstPositional(argv);

  return !afterTerminator && imageOperations.some((op) => op === word);
}

/** Runs `bakehouse image <operation> ...`. */
export function runImageOperation(argv: readonly string[]): Promise<number> {
  const { word, index } = firstPositional(argv);
  const operation = word as Operation;
  const rest = argv.filter((_, i) => i !== index);
  const count = arity[operation];

  return runClientCommand(
    `image ${operation}`,
    usage,
    options,
    rest,
    (input) => act(operation, input),
    { min: count, max: count },
  );
}

async function act(
  operation: Operation,
  { values, positionals, client }: ClientCommandInput<Record<string, unknown>>,
): Promise<number> {
  const name = positionals[0] ?? '';
  const path = `/api/images/${encodeURIComponent(name)}`;
  const answer =
    operation === 'rollback'
      ? await client.command(
          'POST',
          `${path}/rollback`,
          rollbackAnswer,
          values.to === undefined ? {} : { version: rollbackTarget(String(values.to)) },
        )
      : operation === 'deprecate'
        ? await client.command(
            'POST',
            `${path}/versions/${version(positionals)}/deprecate`,
            versionAnswer,
          )
        : await client.command(
            'DELETE',
            `${path}/versions/${version(positionals)}${values.force ? '?force=true' : ''}`,
            versionAnswer,
          );

  process.stdout.write(values.json ? json(answer) : describe(operation, name, answer));
  return 0;
}

function describe(operation: Operation, name: string, answer: unknown): string {
  const { currentVersion, version: number } = answer as {
    currentVersion?: number;
    version?: number;
  };
  if (operation === 'rollback') return `Image ${name}: v${currentVersion} is current\n`;
  const done = operation === 'deprecate' ? 'deprecated' : 'deleted';

  return `Image ${name}: v${number} ${done}\n`;
}

/** The version in the path, `3` for `v3`. */
function version(positionals: readonly string[]): string {
  return String(versionNumber(positionals[1] ?? '', 'the version'));
}

/** `--to 3` or `--to v3` as a number. */
function rollbackTarget(text: string): number {
  return versionNumber(text, '--to');
}

/** A version as written (`3`, `v3`); anything else is wrong usage. */
function versionNumber(text: string, what: string): number {
  const bare = text.replace(/^v/i, '');
  if (!/^\d+$/.test(bare) || Number(bare) < 1) {
    throw new CommandUsageError(
      `${what} is a version number such as 3 or v3, not '${text}'`,
    );
  }

  return Number(bare);
}
