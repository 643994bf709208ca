import { describe, expect, it } from 'vitest';
import { PathRouter, RouteTemplateError } from '../../shared/api/router.ts';

describe('PathRouter', () => {
  const router = new PathRouter([
    { path: '/api/builds/{buildId}', answer: 'build' },
    { path: '/api/builds/{buildId}/states', answer: 'states' },
    { path: '/api/images/{name}', answer: 'image' },
  ]);

  it('matches a template and hands back its parameters URL-decoded', () => {
    expect(router.match('/api/images/My%20Tools')).toEqual({
      answer: 'image',
      parameters: { name: 'My Tools' },
    });
    expect(router.match('/api/builds/01B/states')?.answer).toBe('states');
  });

  it('matches nothing for other paths, empty segments or bad encodings', () => {
    expect(router.match('/api/builds')).toBeUndefined();
    expect(router.match('/api/builds/01B/jobs')).toBeUndefined();
    expect(router.match('/api/images/%E0%A4%A')).toBeUndefined();
  });

  it('refuses a template with a half-written parameter', () => {
    expect(() => new PathRouter([{ path: '/api/{name', answer: 1 }])).toThrow(
      RouteTemplateError,
    );
  });

  it('gives a greedy last parameter the rest of the path, decoded segment by segment', () => {
    const files = new PathRouter([
      { path: '/api/builds/{buildId}/files/{fileName+}', answer: 'file' },
    ]);

    expect(files.match('/api/builds/01B/files/bin/My%20App.zip')).toEqual({
      answer: 'file',
      parameters: { buildId: '01B', fileName: 'bin/My App.zip' },
    });
    expect(files.match('/api/builds/01B/files/a%2Fb')?.parameters.fileName).toBe('a/b');
    expect(files.match('/api/builds/01B/files')).toBeUndefined();
  });

  it('refuses a greedy parameter that is not the last segment', () => {
    expect(() => new PathRouter([{ path: '/api/{rest+}/log', answer: 1 }])).toThrow(
      "Route template /api/{rest+}/log: bad segment '{rest+}'",
    );
  });
});
