/**
 * Acknowledgement latency and throughput of webhook intake through the local
 * HTTP server on DynamoDB Local, at 1 and 50 concurrent connections, beside
 * @octokit/webhooks' Node middleware doing verification only on the same
 * payloads. Run: `npx tsx bench/webhook.bench.ts`.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';
import { sign } from '@octokit/webhooks-methods';
import { localCredentials, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { startHttpServer } from '../local/http-server.ts';
import { intakeRoute } from '../local/intake-route.ts';
import { createTables } from '../shared/events/tables.ts';
import type { Orchestrator } from '../shared/ports/orchestrator.ts';

const secret = 'bakehouse-bench-secret';
const rounds = [
  { concurrency: 1, deliveries: 300 },
  { concurrency: 50, deliveries: 3_000 },
];

interface Figures {
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
}

/** A realistic push body: one commit, a few files. */
function pushBody(n: number): string {
  const sha = n.toString(16).padStart(40, 'a');

  return JSON.stringify({
    ref: 'refs/heads/main',
    before: 'c'.repeat(40),
    after: sha,
    repository: { full_name: 'octo/app', clone_url: 'https://github.com/octo/app.git' },
    head_commit: {
      id: sha,
      message: `Change ${n}`,
      author: { name: 'Mona', email: 'mona@example.com' },
      added: ['src/new.ts'],
      modified: ['README.md', 'appveyor.yml'],
      removed: [],
    },
    commits: [{ id: sha, added: ['src/new.ts'], modified: ['README.md'], removed: [] }],
    pusher: { name: 'Mona', email: 'mona@example.com' },
  });
}

async function measure(
  url: string,
  concurrency: number,
  count: number,
): Promise<Figures> {
  const bodies = await Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const body = pushBody(n);
      return { body, signature: await sign(secret, body) };
    }),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const item = bodies[next++];
      if (!item) break;
      const t0 = performance.now();
      const status = await post(url, agent, item.body, {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': item.signature,
      });
      if (status >= 300) throw new Error(`status ${status} from ${url}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;

  return { p50: at(0.5), p99: at(0.99), perSecond: count / elapsed };
}

/** POSTs a body on a keep-alive agent and resolves to the status once the answer is read. */
function post(
  url: string,
  agent: Agent,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'POST', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

async function main(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: localCredentials,
  });
  const names = { events: 'bench-events', views: 'bench-views' };
  await createTables(client, names);
  let executions = 0;
  const orchestrator: Orchestrator = {
    startBuild: async () => {
      executions += 1;
    },
  };
  const intake = await startHttpServer({
    routes: {
      'POST /webhook': intakeRoute(
        {
          client,
          eventsTable: names.events,
          orchestrator,
          webhookSecret: { load: async () => ({ current: secret }) },
        },
        new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
      ),
    },
  });
  const octokit = createServer(createNodeMiddleware(new Webhooks({ secret })));
  await new Promise<void>((resolve) => octokit.listen(0, '127.0.0.1', resolve));
  const address = octokit.address();
  const octokitPort = typeof address === 'object' && address ? address.port : 0;
  const octokitUrl = `http://127.0.0.1:${octokitPort}/api/github/webhooks`;

  try {
    await measure(`${intake.url}/webhook`, 10, 200);
    await measure(octokitUrl, 10, 200);
    console.log('connections  path                 p50 ms  p99 ms  deliveries/s');
    for (const { concurrency, deliveries } of rounds) {
      const ours = await measure(`${intake.url}/webhook`, concurrency, deliveries);
      const theirs = await measure(octokitUrl, concurrency, deliveries);
      const row = (name: string, f: Figures) =>
        console.log(
          `${String(concurrency).padStart(11)}  ${name.padEnd(19)} ` +
            `${f.p50.toFixed(1).padStart(7)} ` +
            `${f.p99.toFixed(1).padStart(7)} ${f.perSecond.toFixed(0).padStart(13)}`,
        );
      row('bakehouse intake', ours);
      row('octokit verify-only', theirs);
      console.log(
        `${' '.repeat(13)}ratio (ours / octokit): p50 ${(ours.p50 / theirs.p50).toFixed(1)}x, ` +
          `p99 ${(ours.p99 / theirs.p99).toFixed(1)}x, ` +
          `throughput ${(ours.perSecond / theirs.perSecond).toFixed(2)}x`,
      );
    }
    console.log(`executions started: ${executions}`);
  } finally {
    await intake.stop();
    octokit.close();
    client.destroy();
    await dynamo.stop();
  }
}

await main();
