import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { startHttpServer } from '../../local/http-server.ts';
import { intakeRoute } from '../../local/intake-route.ts';
import { signedRequest, testSecret } from './support.ts';

describe('the local webhook route', () => {
  it("keeps the handler's Lambda context off the lines of the logger it was given", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const backendLog = new Logger({ serviceName: 'bakehouse-test', logLevel: 'INFO' });
    const server = await startHttpServer({
      routes: {
        'POST /webhook': intakeRoute(
          {
            client: new DynamoDBClient({
              region: 'us-east-1',
              endpoint: 'http://127.0.0.1:9',
            }),
            eventsTable: 'unused-by-ping',
            orchestrator: { startBuild: async () => undefined },
            webhookSecret: { load: async () => ({ current: testSecret }) },
          },
          backendLog,
        ),
      },
    });
    try {
      const ping = await signedRequest('ping', { zen: 'Keep it logically awesome.' });
      const answer = await fetch(`${server.url}/webhook`, {
        method: 'POST',
        headers: ping.headers as Record<string, string>,
        body: ping.body,
      });
      backendLog.info('phase finished');

      expect(answer.status).toBe(200);
      const line = lines.find((l) => l.includes('phase finished')) ?? '';
      expect(JSON.parse(line)).not.toHaveProperty('function_name');
    } finally {
      spy.mockRestore();
      await server.stop();
    }
  });
});
