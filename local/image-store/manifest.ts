import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * The manifest of a local image: every folder, file and symbolic link of a
 * runner folder, files named by the sha256 of their content and their mode.
 */

/** One entry of an image, by its path relative to the runner folder. */
export type ManifestEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number }
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly mode: number;
      readonly size: number;
      /** `<sha256>-<mode in octal>`: the file's name in the blob folder. */
      readonly blob: string;
    }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string };

/**
 * Walks a folder depth first, parents before children, leaving out the
 * absolute paths in `skip`; file entries carry their content hash.
 */
export async function walkFolder(
  root: string,
  skip: ReadonlySet<string>,
): Promise<{ entries: ManifestEntry[]; sources: Map<string, string> }> {
  const entries: ManifestEntry[] = [];
  const sources = new Map<string, string>();
  const visit = async (folder: string): Promise<void> => {
    const names = (await readdir(folder)).sort();
    for (const name of names) {
      const absolute = join(folder, name);
      if (skip.has(absolute)) continue;
      const path = relative(root, absolute).split(sep).join('/');
      const stats = await lstat(absolute);
      const mode = stats.mode & 0o7777;
      if (stats.isSymbolicLink()) {
        entries.push({ kind: 'symlink', path, target: await readlink(absolute) });
      } else if (stats.isDirectory()) {
        entries.push({ kind: 'dir', path, mode });
        await visit(absolute);
      } else if (stats.isFile()) {
        const blob = `${await sha256(absolute)}-${mode.toString(8)}`;
        entries.push({ kind: 'file', path, mode, size: stats.size, blob });
        sources.set(blob, absolute);
      }
    }
  };
  await visit(root);

  return { entries, sources };
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
