import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { jobArtifactPrefix } from '../../shared/artifacts/names.ts';
import type {
  ArtifactDownload,
  ArtifactStore,
  ArtifactUpload,
} from '../../shared/ports/artifact-store.ts';

/** Where the local store keeps files, and where the backend serves them. */
export interface LocalArtifactStoreOptions {
  /** The state folder; artifacts live under its `artifacts/<build>/<job>/`. */
  readonly stateDir: string;
  /** The embedded backend's URL, which serves `GET /artifacts/...`. */
  readonly baseUrl: () => string;
}

/**
 * The artifact store of the embedded mode: a folder per job under the state
 * folder, which the local runner copies into (it runs on this machine), and
 * which the backend serves as `<url>/<key>`. Like the rest of the local API,
 * the URL needs no credential and does not expire.
 */
export class LocalArtifactStore implements ArtifactStore {
  constructor(private readonly options: LocalArtifactStoreOptions) {}

  async uploadTarget(buildId: string, jobId: string): Promise<ArtifactUpload> {
    const folder = join(this.options.stateDir, jobArtifactPrefix(buildId, jobId));
    await mkdir(folder, { recursive: true });

    return { kind: 'folder', folder };
  }

  async downloadUrl(key: string): Promise<ArtifactDownload> {
    const path = key.split('/').map(encodeURIComponent).join('/');

    return { url: `${this.options.baseUrl()}/${path}` };
  }
}
