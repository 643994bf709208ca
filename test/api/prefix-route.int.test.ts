import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHttpServer, startHttpServer } from '../../local/http-server.ts';

describe('the local HTTP server prefix routes', () => {
  let server: LocalHttpServer;
  const answering = (name: string) => async () => ({ statusCode: 200, body: name });
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return `${response.status} ${await response.text()}`;
  };

  beforeAll(async () => {
    server = await startHttpServer();
    server.mount('GET /api/*', answering('api'));
    server.mount('GET /api/images/*', answering('images'));
    server.mount('GET /api/health', answering('health'));
  });
  afterAll(() => server.stop());

  it('hands every path under a prefix to its route, the longest prefix first', async () => {
    expect(await get('/api')).toBe('200 api');
    expect(await get('/api/builds/01B')).toBe('200 api');
    expect(await get('/api/images/Tools')).toBe('200 images');
  });

  it('lets an exact route win over a prefix, and matches no look-alike path', async () => {
    expect(await get('/api/health')).toBe('200 health');
    expect(await get('/apix')).toBe('404 {"message":"no such route"}');
  });
});
