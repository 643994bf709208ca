/**
 * Turns the `yaml` package's syntax errors into located config errors, the way
 * people read them: one per cause (a mis-indented block makes the package
 * report every line it spans), placed at the offending text rather than at the
 * indentation or blank line before it, in Bakehouse's words where the
 * package's would mislead.
 */
import { type Document, type LineCounter, visit, type YAMLError } from 'yaml';
import type { DiagnosticSink } from './diagnostics.ts';
import type { SourcePosition } from './plan.ts';

interface Located {
  readonly error: YAMLError;
  readonly startLine: number;
  readonly endLine: number;
}

function reasonOf(error: YAMLError, source: string): string {
  const offset = error.pos[0];
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(source.slice(offset))?.[0].trim() ?? '';

    return `Duplicate key '${key.replace(/^["']|["']$/g, '')}'`;
  }
  if (error.code === 'MULTIPLE_DOCS') {
    return 'Only one YAML document is allowed; a second one starts here';
  }

  const reason = error.message.split(' at line ')[0] ?? error.message;

  return reason.replace(/\s+/g, ' ').trim();
}

/** The offset of the first character at or after `offset` that is not a space or line break. */
function skipBlanks(source: string, offset: number): number {
  let at = offset;
  while (at < source.length && /[ \r\n]/.test(source[at] ?? '')) at += 1;

  return at < source.length ? at : offset;
}

/** Where the quoted scalar that never closes opens, for a missing closing quote. */
function openingQuote(error: YAMLError, doc: Document): number | undefined {
  const quote = /Missing closing (["'])quote/.exec(error.message)?.[1];
  if (error.code !== 'MISSING_CHAR' || !quote) return undefined;
  const type = quote === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const [from, to] = node.range ?? [];
      const spans = from !== undefined && to !== undefined && from <= error.pos[0];
      if (node.type === type && spans && to >= error.pos[0]) start = from;
    },
  });

  return start;
}

/** The errors of one cause: each later error that starts within the span of the one before. */
function firstOfEachCause(located: readonly Located[]): Located[] {
  const kept: Located[] = [];
  let spanEnd = -1;
  for (const item of located) {
    if (item.startLine > spanEnd) kept.push(item);
    spanEnd = Math.max(spanEnd, item.endLine);
  }

  return kept;
}

/** Reports the document's syntax errors into `sink`, one per cause. */
export function reportSyntaxErrors(
  doc: Document,
  lines: LineCounter,
  source: string,
  sink: DiagnosticSink,
): void {
  const located = [...doc.errors]
    .sort((a, b) => a.pos[0] - b.pos[0])
    .map((error) => ({
      error,
      startLine: lines.linePos(error.pos[0]).line,
      endLine: lines.linePos(error.pos[1]).line,
    }));
  const seen = new Set<string>();
  for (const { error } of firstOfEachCause(located)) {
    const offset = openingQuote(error, doc) ?? skipBlanks(source, error.pos[0]);
    const { line, col } = lines.linePos(offset);
    const at: SourcePosition = { line, column: col };
    if (seen.has(`${line}:${col}`)) continue;
    seen.add(`${line}:${col}`);
    sink.error(reasonOf(error, source), at);
  }
}
