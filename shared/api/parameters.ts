/** Checks of the read API's path and query parameters; each failure names the parameter. */

import { phaseOrder } from '../config/phases.ts';
import type { PhaseName } from '../config/plan.ts';
import { validImageName } from '../images/names.ts';
import { BadParameterError } from './answers.ts';

const idPattern = /^[A-Za-z0-9_.-]{1,100}$/;

/** A build or job id: letters, digits, `_`, `.` and `-`, never a path. */
export function idParameter(name: string, value: string): string {
  if (!idPattern.test(value) || value === '.' || value === '..') {
    throw new BadParameterError(`${name} '${value}' is not a valid id`);
  }

  return value;
}

/** A phase name of AppVeyor's order. */
export function phaseParameter(value: string): PhaseName {
  const phase = phaseOrder.find((name) => name === value);
  if (!phase) {
    throw new BadParameterError(
      `phase '${value}' is not a phase; phases are ${phaseOrder.join(', ')}`,
    );
  }

  return phase;
}

/** An image name as image names are written. */
export function imageNameParameter(value: string): string {
  try {
    return validImageName(value);
  } catch (error) {
    throw new BadParameterError((error as Error).message);
  }
}

/** A whole number within bounds; `fallback` when the parameter is absent. */
export function integerParameter(
  name: string,
  value: string | null | undefined,
  bounds: { min: number; max: number; fallback?: number },
): number {
  if (value === null || value === undefined || value === '') {
    if (bounds.fallback !== undefined) return bounds.fallback;
    throw new BadParameterError(`${name} is required`);
  }
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < bounds.min || number > bounds.max) {
    throw new BadParameterError(
      `${name} '${value}' should be a whole number from ${bounds.min} to ${bounds.max}`,
    );
  }

  return number;
}
