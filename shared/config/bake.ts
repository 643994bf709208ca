/**
 * The bake intent of a job: the image name set statically by
 * APPVEYOR_BAKE_IMAGE in its environment, and whether one of its scripts may
 * set that variable at run time (the final decision is taken then).
 */
import type { BakeIntent, EnvironmentVariable, PhasePlan } from './plan.ts';

/** The variable that names the image a job bakes, set statically or by a script. */
export const bakeImageVariable = 'APPVEYOR_BAKE_IMAGE';

/**
 * Ways a script sets a variable for later steps: `$env:NAME =`, `set NAME=`,
 * `export NAME=`, `NAME=`, `appveyor SetVariable ... NAME`,
 * `Set-AppveyorBuildVariable ... NAME`.
 */
const settersOfBake = [
  /\$env:APPVEYOR_BAKE_IMAGE\s*=/i,
  /\bset\s+"?APPVEYOR_BAKE_IMAGE=/i,
  /(^|[\s;&|])(export\s+)?APPVEYOR_BAKE_IMAGE=/,
  /\b(SetVariable|Set-AppveyorBuildVariable)\b[^\n]*\bAPPVEYOR_BAKE_IMAGE\b/i,
];

/** True when the script may set APPVEYOR_BAKE_IMAGE. */
export function scriptSetsBakeImage(script: string): boolean {
  return settersOfBake.some((setter) => setter.test(script));
}

/** The bake intent of a job from its environment and phases. */
export function bakeIntentOf(
  environment: readonly EnvironmentVariable[],
  phases: readonly PhasePlan[],
): BakeIntent {
  const mayBeSetByScript = phases.some((phase) =>
    phase.commands.some((command) => scriptSetsBakeImage(command.script)),
  );
  const fixed = environment.find(
    (variable) => variable.name.toUpperCase() === bakeImageVariable && !variable.secure,
  );
  const staticName = fixed?.value.trim();

  return staticName ? { staticName, mayBeSetByScript } : { mayBeSetByScript };
}
