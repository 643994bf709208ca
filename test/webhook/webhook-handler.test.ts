import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { webhookHandler, webhookRequest } from '../../functions/webhook.ts';
import {
  LocalWebhookSecretSource,
  webhookSecretFile,
} from '../../local/secret-source.ts';
import { memoryIntake, signedRequest } from './support.ts';

const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const context = {
  functionName: 'webhook',
  getRemainingTimeInMillis: () => 1_000,
} as Context;

async function functionUrlEvent(base64: boolean): Promise<APIGatewayProxyEventV2> {
  const request = await signedRequest('ping', { zen: 'Design for failure.' });
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [k.toUpperCase(), v]),
  );
  const body = Buffer.from(request.body);

  return {
    headers,
    body: base64 ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: base64,
  } as APIGatewayProxyEventV2;
}

describe('the webhook Lambda handler', () => {
  it.each([true, false])(
    'verifies the exact body whether base64 (%s) or not',
    async (base64) => {
      const { deps } = memoryIntake();

      const result = await webhookHandler(() => deps, silent)(
        await functionUrlEvent(base64),
        context,
      );

      expect(result).toMatchObject({ statusCode: 200, body: '{"message":"pong"}' });
    },
  );

  it.each(['GET', 'PUT', 'DELETE', 'HEAD'])(
    'answers %s with 405 and Allow: POST, as a Function URL passes every method',
    async (method) => {
      const { deps, orchestrator } = memoryIntake();
      const event = await functionUrlEvent(false);

      const result = await webhookHandler(() => deps, silent)(
        { ...event, requestContext: { http: { method } } } as APIGatewayProxyEventV2,
        context,
      );

      expect(result).toMatchObject({ statusCode: 405, headers: { allow: 'POST' } });
      expect(JSON.parse(String(result.body)).message).toBe(
        `method ${method} is not allowed: GitHub delivers webhooks with POST`,
      );
      expect(orchestrator.calls).toBe(0);
    },
  );

  it('lower-cases header names', async () => {
    const request = webhookRequest(await functionUrlEvent(false));

    expect(
      Object.keys(request.headers).every((name) => name === name.toLowerCase()),
    ).toBe(true);
  });

  it('answers 500 when its dependencies cannot be built, so GitHub shows a failed delivery', async () => {
    const broken = () => {
      throw new Error('The webhook Lambda needs the EVENTS_TABLE environment variable');
    };

    const result = await webhookHandler(broken, silent)(
      await functionUrlEvent(true),
      context,
    );

    expect(result).toMatchObject({ statusCode: 500 });
  });
});

describe('LocalWebhookSecretSource', () => {
  it('prefers BAKEHOUSE_WEBHOOK_SECRET', async () => {
    const source = new LocalWebhookSecretSource('/nonexistent', {
      BAKEHOUSE_WEBHOOK_SECRET: 'from-env',
    });

    expect(await source.load()).toEqual({ current: 'from-env' });
  });

  it('creates a private secret file in the state folder once and reads it after', async () => {
    const state = mkdtempSync(path.join(tmpdir(), 'bakehouse-state-'));
    const source = new LocalWebhookSecretSource(state, {});

    const first = await source.load();
    const second = await new LocalWebhookSecretSource(state, {}).load();

    expect(first.current).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toEqual(first);
    expect(statSync(webhookSecretFile(state)).mode & 0o777).toBe(0o600);
    rmSync(state, { recursive: true, force: true });
  });
});
