import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes a folder takes on disk, counting each hard-linked file once: the
 * allocated blocks of every distinct inode under it.
 */
export async function diskUsage(folder: string): Promise<number> {
  const seen = new Set<string>();
  let bytes = 0;
  const visit = async (path: string): Promise<void> => {
    const stats = await lstat(path);
    const inode = `${stats.dev}:${stats.ino}`;
    if (seen.has(inode)) return;
    seen.add(inode);
    bytes += stats.blocks * 512;
    if (!stats.isDirectory()) return;
    for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(folder);

  return bytes;
}
