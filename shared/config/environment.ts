/**
 * Reads `environment:`: a flat map, or `global:` and `matrix:` (rows of
 * variables, one job each), with flat keys beside `matrix:` counted as global.
 * `NAME: { secure: ... }` stays ciphertext, flagged secure.
 */
import { InvalidImageNameError } from '../images/errors.ts';
import { validImageName } from '../images/names.ts';
import type { EnvironmentConfig } from './config.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import type { EnvironmentVariable } from './plan.ts';
import { notAppliedVariables } from './schema.ts';
import { isNull, type YamlEntry, type YamlMap, type YamlNode } from './yaml-node.ts';

/** Notes what a variable would do on AppVeyor that it does not do here. */
function noteVariable(
  entry: YamlEntry,
  variable: EnvironmentVariable,
  path: string,
  sink: DiagnosticSink,
): void {
  const name = variable.name.toUpperCase();
  const note = notAppliedVariables[name];
  if (note) sink.skip(note, entry.keyAt, path);
  if (name === 'APPVEYOR_BAKE_IMAGE' && variable.secure) {
    const reason =
      'A secure APPVEYOR_BAKE_IMAGE is ignored: no image is baked from it; ' +
      'an image name is not secret, set it as plain text';
    sink.warn(reason, entry.keyAt, path);
  }
  if (name === 'APPVEYOR_BAKE_IMAGE' && !variable.secure) {
    noteBakeName(entry, variable.value, path, sink);
  }
}

/** Warns when a written image name would be refused once the job has run. */
function noteBakeName(
  entry: YamlEntry,
  value: string,
  path: string,
  sink: DiagnosticSink,
): void {
  if (value.trim() === '') return;
  try {
    validImageName(value);
  } catch (error) {
    if (!(error instanceof InvalidImageNameError)) throw error;
    sink.warn(`${error.message}: no image is baked from it`, entry.value, path);
  }
}

/**
 * The names the runners' scripts can export (`export NAME=…` in bash,
 * `$env:NAME = …` in PowerShell), the rule `appveyor SetVariable` applies.
 */
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The prefix of the phase script's own variables, such as its state folder. */
const reservedPrefix = '__bh_';

function readVariable(
  entry: YamlEntry,
  path: string,
  sink: DiagnosticSink,
): EnvironmentVariable | undefined {
  if (!variableName.test(entry.key)) {
    const rule = 'a name is letters, digits and _, not starting with a digit';
    sink.error(`"${path}" is not a variable name: ${rule}`, entry.keyAt, path);

    return undefined;
  }
  if (entry.key.startsWith(reservedPrefix)) {
    const reason = `names starting with ${reservedPrefix} are Bakehouse's own`;
    sink.error(`"${path}" is not a variable name: ${reason}`, entry.keyAt, path);

    return undefined;
  }
  const variable = readValue(entry, path, sink);
  if (variable) noteVariable(entry, variable, path, sink);

  return variable;
}

function readValue(
  entry: YamlEntry,
  path: string,
  sink: DiagnosticSink,
): EnvironmentVariable | undefined {
  const { key: name, value } = entry;
  if (isNull(value)) return { name, value: '', secure: false };
  if (value.kind === 'scalar') return { name, value: value.text, secure: false };
  if (value.kind === 'seq' && value.items.every((item) => item.kind === 'scalar')) {
    sink.warn(`"${path}" is a list; its items are joined with spaces`, value, path);
    const texts = value.items.map((item) => (item.kind === 'scalar' ? item.text : ''));

    return { name, value: texts.join(' '), secure: false };
  }
  const secure = value.kind === 'map' ? value.entries[0] : undefined;
  if (value.kind === 'map' && value.entries.length === 1 && secure?.key === 'secure') {
    if (secure.value.kind === 'scalar') {
      return { name, value: secure.value.text, secure: true };
    }
  }
  sink.error(`"${path}" value must be a string or { secure: <value> }`, value, path);

  return undefined;
}

function readVariables(map: YamlMap, path: string, sink: DiagnosticSink) {
  return map.entries.flatMap((entry) => {
    const variable = readVariable(entry, `${path}.${entry.key}`, sink);

    return variable ? [variable] : [];
  });
}

function readRows(node: YamlNode, sink: DiagnosticSink): EnvironmentVariable[][] {
  if (isNull(node)) return [];
  if (node.kind !== 'seq') {
    sink.error('"environment.matrix" must be a list of variable maps', node);

    return [];
  }

  return node.items.flatMap((row, index) => {
    const path = `environment.matrix[${index}]`;
    if (isNull(row)) return [];
    if (row.kind !== 'map') {
      sink.error(`"${path}" must be a map of variables`, row, path);

      return [];
    }

    return [readVariables(row, path, sink)];
  });
}

function readGlobal(node: YamlNode, sink: DiagnosticSink): EnvironmentVariable[] {
  if (isNull(node)) return [];
  if (node.kind !== 'map') {
    const path = 'environment.global';
    sink.error(`"${path}" must be a map of variables`, node, path);

    return [];
  }

  return readVariables(node, 'environment.global', sink);
}

/** Reads the `environment:` node of a configuration. */
export function readEnvironment(node: YamlNode, sink: DiagnosticSink): EnvironmentConfig {
  if (isNull(node)) return { global: [], matrix: [] };
  if (node.kind !== 'map') {
    sink.error('"environment" must be a map of variables', node, 'environment');

    return { global: [], matrix: [] };
  }
  const global: EnvironmentVariable[] = [];
  let matrix: EnvironmentVariable[][] = [];
  for (const entry of node.entries) {
    if (entry.key === 'matrix') matrix = readRows(entry.value, sink);
    else if (entry.key === 'global') global.push(...readGlobal(entry.value, sink));
    else {
      const variable = readVariable(entry, `environment.${entry.key}`, sink);
      if (variable) global.push(variable);
    }
  }

  return { global, matrix };
}

/** Variables of `over` replace those of `base` by name (case-insensitively). */
export function mergeVariables(
  base: readonly EnvironmentVariable[],
  over: readonly EnvironmentVariable[],
): EnvironmentVariable[] {
  const names = new Set(over.map((variable) => variable.name.toLowerCase()));
  const kept = base.filter((variable) => !names.has(variable.name.toLowerCase()));

  return [...kept, ...over];
}
