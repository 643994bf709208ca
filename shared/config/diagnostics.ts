/**
 * Collects the errors, warnings and not-run notes found while reading a config,
 * each located in the file, errors worded the way AppVeyor words them.
 */
import type { Diagnostic, SourcePosition } from './plan.ts';

/** A place in the file as AppVeyor words it: `(Line: L, Column: C)`. */
export function locationText(at: SourcePosition): string {
  return `(Line: ${at.line}, Column: ${at.column})`;
}

/** The full text of a config error, as AppVeyor prints it. */
export function parseErrorMessage(reason: string, at: SourcePosition): string {
  return `Error parsing appveyor.yml: ${reason} ${locationText(at)}`;
}

/** Gathers diagnostics about one config file. */
export class DiagnosticSink {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly notRun: Diagnostic[] = [];

  constructor(readonly file: string) {}

  /** Records an error that rejects the config. */
  error(reason: string, at: SourcePosition, path?: string): void {
    const message = parseErrorMessage(reason, at);
    this.errors.push(this.located(message, at, path));
  }

  /** Records something accepted but probably not meant. */
  warn(message: string, at: SourcePosition, path?: string): void {
    this.warnings.push(this.located(message, at, path));
  }

  /** Records a key Bakehouse accepts but does not run. */
  skip(message: string, at: SourcePosition, path?: string): void {
    this.notRun.push(this.located(message, at, path));
  }

  private located(message: string, at: SourcePosition, path?: string): Diagnostic {
    const where = { file: this.file, message, line: at.line, column: at.column };

    return path === undefined ? where : { ...where, path };
  }
}
