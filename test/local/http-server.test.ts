import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHttpServer, startHttpServer } from '../../local/http-server.ts';

/** Sends raw bytes, half-closes, and resolves to what the server answered. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Sends the start of a request and goes away, as a client that dies does. */
function cutShort(port: number, bytes: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

describe('the local HTTP server under requests that are cut short or malformed', () => {
  let server: LocalHttpServer;

  beforeAll(async () => {
    server = await startHttpServer({
      routes: { 'POST /webhook': async () => ({ statusCode: 202, body: '{}' }) },
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('keeps serving after a client leaves in the middle of its body', async () => {
    await cutShort(
      server.port,
      'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));

    const next = await fetch(`${server.url}/webhook`, { method: 'POST', body: '{}' });

    expect(next.status).toBe(202);
  });

  it('answers 400 to a request target that is no path, and keeps serving', async () => {
    const answer = await raw(
      server.port,
      'GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );

    const next = await fetch(`${server.url}/webhook`, { method: 'POST', body: '{}' });

    expect(answer).toMatch(/^HTTP\/1\.1 (400|404) /);
    expect(next.status).toBe(202);
  });
});
