/** `bakehouse cancel <build> [--reason R]`: stops a running build and records why. */
import type { CancelOutcome } from '../shared/operations/cancel-build.ts';
import { cancelAnswer } from './answers.ts';
import { runClientCommand } from './client.ts';
import type { Command } from './commands.ts';
import { json } from './format.ts';

const usage = `Usage: bakehouse cancel <build> [--reason R] [--json] [--endpoint URL | --stack NAME]

Cancels a running build: its execution stops, its runners are terminated,
and the build ends as cancelled with the reason. Cancelling it again says so.
  --reason R     why, recorded on the build (default: cancelled by an operator)
  --json         the answer as JSON, for scripts
  --stack NAME   the deployed stack NAME, with your AWS credentials
Exit codes: 0 cancelled, 1 no backend, no such build or a build already
finished, 2 wrong usage.`;

const options = { reason: { type: 'string' }, json: { type: 'boolean' } } as const;

/** The `cancel` command. */
export const cancel: Command = {
  summary: 'cancel a running build, recording why',
  run: (argv) =>
    runClientCommand(
      'cancel',
      usage,
      options,
      argv,
      async ({ values, positionals, client }) => {
        const buildId = encodeURIComponent(positionals[0] ?? '');
        const reason = values.reason as string | undefined;
        const outcome = await client.command(
          'POST',
          `/api/builds/${buildId}/cancel`,
          cancelAnswer,
          reason === undefined ? {} : { reason },
        );

        process.stdout.write(values.json ? json(outcome) : describe(outcome));
        return 0;
      },
      { min: 1, max: 1 },
    ),
};

function describe(outcome: CancelOutcome): string {
  if (outcome.alreadyCancelled) {
    return `Build ${outcome.buildId} was already cancelled: ${outcome.reason}\n`;
  }
  const runners = outcome.terminated.length;

  return (
    `Build ${outcome.buildId} cancelled: ${outcome.reason} ` +
    `(${runners} runner${runners === 1 ? '' : 's'} terminated)\n`
  );
}
