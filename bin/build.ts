/** `bakehouse build <repository path> [--branch B]`: builds a local repository's head commit. */
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { registerLocalRepository } from '../local/local-repositories.ts';
import { LocalWebhookSecretSource } from '../local/secret-source.ts';
import { runClientCommand, stateDirOf } from './client.ts';
import type { Command } from './commands.ts';
import { json, shortSha } from './format.ts';
import { LocalPushError, pushPayload, readLocalCommit } from './push-payload.ts';

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
        const stateDir = stateDirOf();
        let commit: Awaited<ReturnType<typeof readLocalCommit>>;
        try {
          commit = await readLocalCommit(
            positionals[0] ?? '.',
            values.branch as string | undefined,
          );
        } catch (error) {
          if (!(error instanceof LocalPushError)) throw error;
          process.stderr.write(`bakehouse build: ${error.message}\n`);
          return 1;
        }
        const repository = await registerLocalRepository(stateDir, commit.folder);
        const body = JSON.stringify(pushPayload(repository, commit));
        const { current: secret } = await new LocalWebhookSecretSource(stateDir).load();
        const deliveryId = randomUUID();

        const answer = await client.post('/webhook', body, {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/bakehouse-cli',
          'x-github-event': 'push',
          'x-github-delivery': deliveryId,
          'x-hub-signature-256': await sign(secret, body),
        });

        if (values.json) {
          process.stdout.write(json({ ...answer.body, repository, deliveryId }));
        } else if (typeof answer.body.buildId === 'string') {
          process.stdout.write(
            `Build ${answer.body.buildId} requested: ${repository} ` +
              `${commit.branch} ${shortSha(commit.sha)}\n`,
          );
        } else {
          process.stdout.write(`${String(answer.body.message ?? answer.statusCode)}\n`);
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
