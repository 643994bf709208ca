/**
 * Describes a plan result for people: the jobs with their images and phases,
 * the warnings and the keys not run, or the located errors.
 */
import type { BuildPlan, Diagnostic, JobPlan, PlanResult } from './plan.ts';

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );

  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

function firstLine(script: string): string {
  const [first = '', ...rest] = script.trim().split('\n');

  return rest.length > 0 ? `${first} (+${rest.length} lines)` : first;
}

function describeJob(job: JobPlan): string[] {
  const lines = [`Job ${job.id}: ${job.name}`];
  const bake =
    job.bake.staticName ?? (job.bake.mayBeSetByScript ? '(set by a script)' : '');
  if (bake) lines.push(`  bakes image: ${bake}`);
  for (const phase of job.phases) {
    lines.push(`  ${phase.name}`);
    const rows = phase.commands.map((command) => [
      `    ${command.line}:${command.column}`,
      command.shell,
      firstLine(command.script),
    ]);
    lines.push(...table(rows));
  }
  for (const artifact of job.artifacts) {
    const details = [
      artifact.name && `name ${artifact.name}`,
      artifact.type && `type ${artifact.type}`,
    ].filter(Boolean);
    const more = details.length > 0 ? ` (${details.join(', ')})` : '';
    lines.push(`  artifact ${artifact.path}${more}, after after_test`);
  }

  return lines;
}

function describeDiagnostics(
  title: string,
  diagnostics: readonly Diagnostic[],
): string[] {
  if (diagnostics.length === 0) return [];
  const rows = diagnostics.map((diagnostic) => [
    `  ${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`,
    diagnostic.message,
  ]);

  return [title, ...table(rows)];
}

function describeBuild(plan: BuildPlan): string[] {
  const count = plan.jobs.length === 1 ? '1 job' : `${plan.jobs.length} jobs`;
  const header = `Build of ${count}, version ${plan.versionFormat}`;
  const flags = [
    plan.fastFinish ? 'fast_finish' : '',
    plan.maxJobs ? `max_jobs ${plan.maxJobs}` : '',
  ]
    .filter((flag) => flag !== '')
    .join(', ');
  const rows = [
    ['  #', 'image', 'platform', 'allow failure', 'name'],
    ...plan.jobs.map((job) => [
      `  ${job.id}`,
      job.image,
      job.platform,
      job.allowFailure ? 'yes' : 'no',
      job.name,
    ]),
  ];

  return [
    flags ? `${header} (${flags})` : header,
    ...table(rows),
    '',
    ...plan.jobs.flatMap((job) => [...describeJob(job), '']),
    ...describeDiagnostics('Warnings:', plan.warnings),
    ...describeDiagnostics('Not run by Bakehouse:', plan.notRun),
  ];
}

/** The plan result as text for a terminal. */
export function describePlan(result: PlanResult): string {
  switch (result.kind) {
    case 'build':
      return `${describeBuild(result).join('\n').trimEnd()}\n`;
    case 'skipped': {
      const warnings = describeDiagnostics('Warnings:', result.warnings);

      return `${[`Skipped, because ${result.reason}.`, ...warnings].join('\n')}\n`;
    }
    case 'rejected':
      return `${result.errors.map((error) => `${error.file}: ${error.message}`).join('\n')}\n`;
  }
}
