/**
 * The lines a build shows about its config, beside the jobs: each warning,
 * and each key Bakehouse accepts but does not run, located the way AppVeyor
 * locates its config errors, so `bakehouse show` and the build view list what
 * the build will not do as well as `bakehouse validate` does.
 */
import { locationText } from './diagnostics.ts';
import type { BuildPlan, Diagnostic, SkippedBuild } from './plan.ts';

/** A message for the build: its level, and its text with the file and place. */
export interface ConfigMessage {
  readonly level: 'information' | 'warning';
  readonly message: string;
}

function located(diagnostic: Diagnostic): string {
  return `${diagnostic.file}: ${diagnostic.message} ${locationText(diagnostic)}`;
}

/** A warning per config warning, then an information per key not run. */
export function configMessages(plan: BuildPlan | SkippedBuild): ConfigMessage[] {
  const warnings = plan.warnings.map((warning) => ({
    level: 'warning' as const,
    message: located(warning),
  }));
  const notRun = plan.kind === 'build' ? plan.notRun : [];

  return [
    ...warnings,
    ...notRun.map((note) => ({ level: 'information' as const, message: located(note) })),
  ];
}
