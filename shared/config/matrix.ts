/**
 * Expands the build matrix: images × environment rows × platforms ×
 * configurations, in that nesting order, less `exclude`d combinations.
 * An APPVEYOR_BUILD_WORKER_IMAGE variable (global or in the row) overrides
 * the image.
 */
import type { Config, MatrixCondition } from './config.ts';
import { mergeVariables } from './environment.ts';
import type { EnvironmentVariable } from './plan.ts';

/** One combination of the matrix, before its phases are planned. */
export interface MatrixCell {
  readonly image: string;
  readonly buildPlatform?: string;
  readonly configuration?: string;
  /** The row's own variables (what tells this job apart). */
  readonly row: readonly EnvironmentVariable[];
  /** Global variables merged with the row's (the row wins). */
  readonly variables: readonly EnvironmentVariable[];
}

function variable(variables: readonly EnvironmentVariable[], name: string) {
  const upper = name.toUpperCase();

  return variables.find((candidate) => candidate.name.toUpperCase() === upper);
}

function optional<T>(values: readonly T[]): (T | undefined)[] {
  return values.length === 0 ? [undefined] : [...values];
}

function sameText(left: string | undefined, right: string): boolean {
  return left !== undefined && left.trim().toLowerCase() === right.trim().toLowerCase();
}

/** True when the cell meets every key of the condition. */
export function cellMatches(cell: MatrixCell, condition: MatrixCondition): boolean {
  return Object.entries(condition).every(([key, value]) => {
    if (key === 'image' || key === 'os') return sameText(cell.image, value);
    if (key === 'platform') return sameText(cell.buildPlatform, value);
    if (key === 'configuration') return sameText(cell.configuration, value);
    if (key === 'test_category') return false;

    return variable(cell.variables, key)?.value === value;
  });
}

/** True when the cell meets any of the conditions. */
export function cellMatchesAny(cell: MatrixCell, conditions: readonly MatrixCondition[]) {
  return conditions.some((condition) => cellMatches(cell, condition));
}

/** The cells of the matrix, in job order; `fallbackImage` when none is set. */
/**
 * The most jobs a build runs: a plan of more would not fit its ConfigLoaded
 * event in one DynamoDB item, and a matrix of millions would not fit memory.
 */
export const maxJobsPerBuild = 1000;

/** How many cells the matrix has before `matrix.exclude`, without making them. */
export function matrixSize(config: Config): number {
  const rows = Math.max(config.environment.matrix.length, 1);
  const platforms = Math.max(config.platforms.length, 1);
  const configurations = Math.max(config.configurations.length, 1);

  return Math.max(config.images.length, 1) * rows * platforms * configurations;
}

export function expandMatrix(config: Config, fallbackImage: string): MatrixCell[] {
  const images = config.images.length > 0 ? config.images : [fallbackImage];
  const rows = config.environment.matrix.length > 0 ? config.environment.matrix : [[]];
  const cells: MatrixCell[] = [];
  for (const listed of images) {
    for (const row of rows) {
      const variables = mergeVariables(config.environment.global, row);
      const image = variable(variables, 'APPVEYOR_BUILD_WORKER_IMAGE')?.value || listed;
      for (const buildPlatform of optional(config.platforms)) {
        for (const configuration of optional(config.configurations)) {
          cells.push({ image, buildPlatform, configuration, row, variables });
        }
      }
    }
  }

  return cells.filter((cell) => !cellMatchesAny(cell, config.exclude));
}

/** A name for people: what tells this job apart from the others. */
export function cellName(cell: MatrixCell): string {
  const parts = [`Image: ${cell.image}`];
  const own = cell.row.filter(
    (entry) => entry.name.toUpperCase() !== 'APPVEYOR_BUILD_WORKER_IMAGE',
  );
  const jobName = variable(own, 'job_name');
  if (jobName) return jobName.value;
  if (own.length > 0) {
    const shown = own.map(
      (entry) => `${entry.name}=${entry.secure ? '[secure]' : entry.value}`,
    );
    parts.push(`Environment: ${shown.join(', ')}`);
  }
  if (cell.buildPlatform) parts.push(`Platform: ${cell.buildPlatform}`);
  if (cell.configuration) parts.push(`Configuration: ${cell.configuration}`);

  return parts.join('; ');
}
