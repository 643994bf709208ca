/** `bakehouse rebuild <build>`: builds the same commit again, as a new build. */
import { rebuildAnswer } from './answers.ts';
import { runClientCommand } from './client.ts';
import type { Command } from './commands.ts';
import { json } from './format.ts';

const usage = `Usage: bakehouse rebuild <build> [--json] [--endpoint URL | --stack NAME]

Builds a build's commit again with the same trigger, as a new build that
points back at it (rebuildOf). Prints the new build's id.
  --json         the answer as JSON, for scripts
  --stack NAME   the deployed stack NAME, with your AWS credentials
Exit codes: 0 requested, 1 no backend or no such build, 2 wrong usage.`;

const options = { json: { type: 'boolean' } } as const;

/** The `rebuild` command. */
export const rebuild: Command = {
  summary: "build a build's commit again",
  run: (argv) =>
    runClientCommand(
      'rebuild',
      usage,
      options,
      argv,
      async ({ values, positionals, client }) => {
        const buildId = encodeURIComponent(positionals[0] ?? '');
        const outcome = await client.command(
          'POST',
          `/api/builds/${buildId}/rebuild`,
          rebuildAnswer,
        );

        process.stdout.write(
          values.json
            ? json(outcome)
            : `Build ${outcome.buildId} requested: rebuild of ${outcome.rebuildOf}\n`,
        );
        return 0;
      },
      { min: 1, max: 1 },
    ),
};
