/**
 * What a command line's parse error says, for a person: Node's `parseArgs`
 * answers an unknown option with advice about positional arguments after
 * `--` (with a quote left open), which no command here needs; the option
 * is what matters. Other parse errors are kept as Node words them.
 */
export function argumentErrorOf(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  const unknown = /^Unknown option '([^']*)'/.exec(text);

  return code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown
    ? `unknown option '${unknown[1]}'`
    : text;
}
