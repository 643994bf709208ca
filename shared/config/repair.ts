/**
 * The one tolerance Bakehouse grants beyond YAML 1.2: AppVeyor's parser reads a
 * double-quoted value whose continuation lines sit at its key's indentation
 * (ninja-build's config does this), which the `yaml` package rejects. This
 * re-indents those continuation lines so that the strict parser reads the same
 * value; line numbers are kept, columns on the re-indented lines shift.
 */
import type { SourcePosition } from './plan.ts';

const quotedValueStart = /^( *)((?:- +)*)[^\s#"'-][^:#]*: +"/;

/** Index just past the closing quote of a double-quoted scalar, or -1. */
function closingQuote(line: string, from: number): number {
  for (let i = from; i < line.length; i += 1) {
    if (line[i] === '\\') i += 1;
    else if (line[i] === '"') return i + 1;
  }

  return -1;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** A repaired text, and where each double-quoted value it re-indented opens. */
export interface Repair {
  readonly text: string;
  readonly repaired: readonly SourcePosition[];
}

/**
 * Returns the text with under-indented continuation lines of double-quoted
 * values pushed right of their key, or undefined when there is nothing to fix.
 */
export function reindentQuotedContinuations(text: string): Repair | undefined {
  const lines = text.split('\n');
  const repaired: SourcePosition[] = [];

  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const start = quotedValueStart.exec(line);
    if (!start || closingQuote(line, start[0].length) !== -1) continue;

    const keyColumn = (start[1] ?? '').length + (start[2] ?? '').length;
    let j = i + 1;
    let changed = false;
    for (; j < lines.length; j += 1) {
      const next = lines[j] ?? '';
      if (next.trim() !== '' && indentOf(next) <= keyColumn) {
        lines[j] = ' '.repeat(keyColumn + 2 - indentOf(next)) + next;
        changed = true;
      }
      if (closingQuote(next, 0) !== -1) break;
    }
    if (j === lines.length) return undefined;
    if (changed) repaired.push({ line: i + 1, column: start[0].length });
    i = j;
  }

  return repaired.length > 0 ? { text: lines.join('\n'), repaired } : undefined;
}
