import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { artifactFileNameProblem } from '../../shared/artifacts/names.ts';
import type { StreamRoute } from '../http-server.ts';

/**
 * Serves `GET /artifacts/<build>/<job>/<file name>` from the state folder's
 * `artifacts/`, streamed, as an attachment named after the file. A path
 * that is not an artifact key (`..`, empty segments, bad encoding) or names
 * no file answers 404.
 */
export function artifactFilesRoute(stateDir: string): StreamRoute {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const file = await artifactFile(stateDir, url.pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `no artifact at ${url.pathname}` }));
      return;
    }
    const name = encodeURIComponent(file.name);
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(file.size),
      'content-disposition': `attachment; filename*=UTF-8''${name}`,
    });
    await pipeline(createReadStream(file.path), response);
  };
}

async function artifactFile(stateDir: string, pathname: string) {
  let key: string;
  try {
    key = pathname.split('/').map(decodeURIComponent).join('/').replace(/^\//, '');
  } catch {
    return undefined;
  }
  const [root, buildId, jobId, ...rest] = key.split('/');
  const fileName = rest.join('/');
  if (root !== 'artifacts' || !buildId || !jobId) return undefined;
  if (artifactFileNameProblem(`${buildId}/${jobId}/${fileName}`)) return undefined;
  const path = join(stateDir, key);
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) return undefined;

  return { path, size: found.size, name: rest.at(-1) ?? fileName };
}
