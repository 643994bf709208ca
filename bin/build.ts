/** `bakehouse build <repository path> [--branch B]`: builds a local repository's head commit. */

import { LocalPushError } from '../local/push-payload.ts';
import { type PushAnswer, sendPush } from '../local/push-sender.ts';
import { runClientCommand, stateDirOf } from './client.ts';
import type { Command } from './commands.ts';
import { json, shortSha } from './format.ts';

const usage = `Usage: bakehouse build <repository path> [--branch B] [--json] [--endpoint URL]

Asks the backend to build the head commit of a branch of a git repository on
disk: sends it a signed GitHub push webhook, as GitHub would, and prints the
build id. The repository is known to the backend as local/<folder name>.
  --branch B   the branch to build (default: the branch checked out)
  --json       the answer as JSON, for scripts
The webhook secret is $BAKEHOUSE_WEBHOOK_SECRET, else the state folder's.
Exit codes: 0 build requested, 1 refused or no backend, 2 wrong usage.`;

const options = { branch: { type: 'string' }, json: { type: 'boolean' } } as const;

/** The `build` command. */
export const build: Command = {
  summary: 'build the head commit of a local git repository',
  run: (argv) =>
    runClientCommand(
      'build',
      usage,
      options,
      argv,
      async ({ values, positionals, client }) => {
        let answer: PushAnswer;
        try {
          answer = await sendPush(
            client.endpoint,
            stateDirOf(),
            positionals[0] ?? '.',
            values.branch as string | undefined,
          );
        } catch (error) {
          if (!(error instanceof LocalPushError)) throw error;
          process.stderr.write(`bakehouse build: ${error.message}\n`);
          return 1;
        }
        const { repository, deliveryId } = answer;

        if (values.json) {
          const { branch, sha } = answer;
          process.stdout.write(
            json({ ...answer.body, repository, branch, sha, deliveryId }),
          );
        } else if (typeof answer.body.buildId === 'string') {
          process.stdout.write(
            `Build ${answer.body.buildId} requested: ${repository} ` +
              `${answer.branch} ${shortSha(answer.sha)}\n`,
          );
        } else if (answer.statusCode < 300) {
          process.stdout.write(`${String(answer.body.message ?? answer.statusCode)}\n`);
        } else {
          // A refusal is an error: it goes where errors go, saying who refused.
          process.stderr.write(
            `bakehouse build: the backend answered ${answer.statusCode}: ` +
              `${String(answer.body.message ?? '(no message)')}\n`,
          );
        }
        if (answer.statusCode === 401) {
          process.stderr.write(
            'bakehouse build: the backend refused the signature; set ' +
              'BAKEHOUSE_WEBHOOK_SECRET to its secret, or use its state folder\n',
          );
        }
        return answer.statusCode < 300 ? 0 : 1;
      },
      { min: 1, max: 1 },
    ),
};
