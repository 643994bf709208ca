import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { checkedAnswer, readJson, webhookAnswer } from '../bin/answers.ts';
import { registerLocalRepository } from './local-repositories.ts';
import { LocalPushError, pushPayload, readLocalCommit } from './push-payload.ts';
import { LocalWebhookSecretSource } from './secret-source.ts';

/** What the backend answered to a push, and what was pushed. */
export interface PushAnswer {
  readonly statusCode: number;
  readonly body: Readonly<Record<string, unknown>>;
  /** `owner/repo` as the backend knows the repository. */
  readonly repository: string;
  readonly sha: string;
  readonly branch: string;
  readonly deliveryId: string;
}

/**
 * Sends the backend a signed GitHub push webhook for the head commit of a
 * branch of a git repository on disk, over HTTP, as GitHub would deliver it.
 * An answer that is not the webhook's JSON raises NotBakehouseApiError.
 */
export async function sendPush(
  backendUrl: string,
  stateDir: string,
  folder: string,
  branch?: string,
): Promise<PushAnswer> {
  const commit = await readLocalCommit(folder, branch);
  const repository = await registerLocalRepository(stateDir, commit.folder);
  const body = JSON.stringify(pushPayload(repository, commit));
  const { current: secret } = await new LocalWebhookSecretSource(stateDir).load();
  const deliveryId = randomUUID();

  const response = await fetch(`${backendUrl}/webhook`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/bakehouse',
      'x-github-event': 'push',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': await sign(secret, body),
    },
  }).catch((error: unknown) => {
    throw new LocalPushError(
      `No Bakehouse backend answers at ${backendUrl} (${(error as Error).message}); ` +
        'start one with `npm run serve`',
    );
  });
  const reading = await readJson(response);

  return {
    statusCode: response.status,
    body: checkedAnswer(backendUrl, 'POST /webhook', reading, webhookAnswer),
    repository,
    sha: commit.sha,
    branch: commit.branch,
    deliveryId,
  };
}
