/**
 * Patterns of branch and commit filters: `/regex/` (flags allowed after the
 * closing slash) or a plain text compared case-insensitively.
 */
import { setFlagsFromString } from 'node:v8';
import type { Pattern } from './config.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import type { SourcePosition } from './plan.ts';

const regexForm = /^\/(.+)\/([a-z]*)$/s;

// A filter such as /(a+)+$/ backtracks exponentially on a branch like
// "aaaa…a!", which would hold the process (the whole embedded backend) for
// hours. With this flag V8 reruns a match that backtracks too much on its
// linear-time engine. Patterns that engine cannot run (backreferences,
// lookarounds) still backtrack as before.
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Reads one pattern; an invalid regex is a located error. */
export function readPattern(
  text: string,
  at: SourcePosition,
  path: string,
  sink: DiagnosticSink,
): Pattern | undefined {
  const form = regexForm.exec(text.trim());
  if (!form) return { text: text.trim() };
  try {
    return { regex: new RegExp(form[1] ?? '', form[2]) };
  } catch {
    sink.error(`"${path}" is not a valid regular expression: ${text}`, at, path);

    return undefined;
  }
}

/** True when the value equals the text case-insensitively, or matches the regex. */
export function patternEquals(pattern: Pattern, value: string): boolean {
  if ('regex' in pattern) return pattern.regex.test(value);

  return pattern.text.toLowerCase() === value.toLowerCase();
}

/** True when the value contains the text case-insensitively, or matches the regex. */
export function patternFinds(pattern: Pattern, value: string): boolean {
  if ('regex' in pattern) return pattern.regex.test(value);

  return value.toLowerCase().includes(pattern.text.toLowerCase());
}
