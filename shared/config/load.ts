/**
 * Reads appveyor.yml text into a located {@link YamlNode} tree, with the YAML
 * that real files use: anchors and aliases (and `<<` merge keys), block
 * scalars, CRLF line endings, a top-level list of configurations. Duplicate
 * keys, tabs and syntax errors come back as located errors, never exceptions.
 */
import {
  Alias,
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
} from 'yaml';
import { DiagnosticSink } from './diagnostics.ts';
import type { SourcePosition } from './plan.ts';
import { reindentQuotedContinuations } from './repair.ts';
import { reportSyntaxErrors } from './syntax-errors.ts';
import { isNull, type YamlEntry, type YamlNode } from './yaml-node.ts';

/** The most nodes one file may expand to through aliases (guards alias bombs). */
const maxNodes = 100_000;

/**
 * The largest config read, in bytes of UTF-8: far below DynamoDB's 400 KB
 * item limit, since ConfigLoaded keeps the text so later tasks plan the same.
 */
export const maxConfigBytes = 128 * 1024;

/** A loaded file: its root node (absent for an empty file) or its errors. */
export interface LoadedYaml {
  readonly root?: YamlNode;
  readonly sink: DiagnosticSink;
}

class TooManyNodes extends Error {}

function strictParse(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'failsafe',
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
  });

  return { doc, lineCounter };
}

class Converter {
  private count = 0;

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly sink: DiagnosticSink,
  ) {}

  at(offset: number | undefined): SourcePosition {
    const { line, col } = this.lines.linePos(offset ?? 0);

    return { line, column: col };
  }

  node(node: unknown, fallback: SourcePosition): YamlNode {
    this.count += 1;
    if (this.count > maxNodes) throw new TooManyNodes();
    if (node instanceof Alias) return this.alias(node);
    if (isScalar(node)) {
      const plain = node.type === Scalar.PLAIN;
      const text = node.value === null ? '' : String(node.value);

      return { kind: 'scalar', text, plain, ...this.at(node.range?.[0]) };
    }
    if (isSeq(node)) {
      const at = this.at(node.range?.[0]);
      const items = node.items.map((item) => this.node(item, at));

      return { kind: 'seq', items, ...at };
    }
    if (isMap(node)) return this.map(node as Node & { items: unknown[] });

    return { kind: 'scalar', text: '', plain: true, ...fallback };
  }

  /** An alias reads as its anchor's node, placed where the alias is written. */
  private alias(node: Alias): YamlNode {
    const at = this.at(node.range?.[0]);
    const target = node.resolve(this.doc);
    if (target === undefined) {
      this.sink.error(`Alias *${node.source} refers to no anchor`, at);

      return { kind: 'scalar', text: '', plain: true, ...at };
    }

    return { ...this.node(target, at), ...at };
  }

  private map(node: Node & { items: unknown[] }): YamlNode {
    const at = this.at(node.range?.[0]);
    const entries: YamlEntry[] = [];
    const merged: YamlEntry[] = [];
    for (const pair of node.items as { key: unknown; value: unknown }[]) {
      const keyNode = this.node(pair.key, at);
      const value = this.node(pair.value, keyNode);
      if (keyNode.kind !== 'scalar') {
        this.sink.error('A key must be a plain name', keyNode);
        continue;
      }
      if (keyNode.plain && keyNode.text === '<<') {
        merged.push(...mergeSources(value));
        continue;
      }
      const keyAt = { line: keyNode.line, column: keyNode.column };
      entries.push({ key: keyNode.text, keyAt, value });
    }
    for (const entry of merged) {
      if (!entries.some((own) => own.key === entry.key)) entries.push(entry);
    }

    return { kind: 'map', entries, ...at };
  }
}

function mergeSources(value: YamlNode): YamlEntry[] {
  if (value.kind === 'map') return [...value.entries];
  if (value.kind === 'seq') return value.items.flatMap(mergeSources);

  return [];
}

function convert(parsed: ReturnType<typeof strictParse>, sink: DiagnosticSink) {
  const { doc, lineCounter } = parsed;
  const converter = new Converter(doc, lineCounter, sink);
  try {
    const root = converter.node(doc.contents, { line: 1, column: 1 });

    const loaded: LoadedYaml = isNull(root) ? { sink } : { root, sink };

    return loaded;
  } catch (error) {
    if (!(error instanceof TooManyNodes)) throw error;
    sink.error('The document expands to too many nodes through aliases', root1());

    return { sink };
  }
}

function root1(): SourcePosition {
  return { line: 1, column: 1 };
}

/** Where a text passes `maxConfigBytes`, or undefined when it does not. */
function pastTheLimit(text: string): SourcePosition | undefined {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxConfigBytes) return undefined;
  const kept = bytes
    .subarray(0, maxConfigBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const lines = kept.split('\n');

  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Parses appveyor.yml text; `file` names it in diagnostics. */
export function loadYaml(source: string, file = 'appveyor.yml'): LoadedYaml {
  const text = source.replace(/^\uFEFF/, '');
  const sink = new DiagnosticSink(file);
  const past = pastTheLimit(text);
  if (past) {
    const size = Math.ceil(Buffer.byteLength(text, 'utf8') / 1024);
    const limit = maxConfigBytes / 1024;
    const reason = `The config is ${size} KB, over the ${limit} KB Bakehouse reads`;
    sink.error(`${reason}; the limit falls here`, past);

    return { sink };
  }
  const parsed = strictParse(text);
  const { doc, lineCounter } = parsed;
  if (doc.errors.length === 0) return convert(parsed, sink);

  const repair = reindentQuotedContinuations(text.replace(/\r\n/g, '\n'));
  const reparsed = repair === undefined ? undefined : strictParse(repair.text);
  if (repair && reparsed && reparsed.doc.errors.length === 0) {
    const loaded = convert(reparsed, sink);
    for (const at of repair.repaired) {
      sink.warn(
        'A double-quoted value continues at its key indentation; read as AppVeyor reads it',
        at,
      );
    }

    return loaded;
  }
  reportSyntaxErrors(doc, lineCounter, text, sink);

  return { sink };
}
