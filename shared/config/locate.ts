/**
 * Finds a repository's config file: `appveyor.yml` first, then
 * `.appveyor.yml`, `appveyor.yaml` and `.appveyor.yaml`, the first found wins.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** The file names looked for, in the order they are tried. */
export const configFileNames: readonly string[] = [
  'appveyor.yml',
  '.appveyor.yml',
  'appveyor.yaml',
  '.appveyor.yaml',
];

/** A config file found: its name and its text. */
export interface LocatedConfig {
  readonly file: string;
  readonly text: string;
}

/** Reads a file by name; resolves to undefined when it does not exist. */
export type FileReader = (name: string) => Promise<string | undefined>;

/** Finds the config through a reader (a GitHub contents call, a git tree...). */
export async function locateConfig(read: FileReader): Promise<LocatedConfig | undefined> {
  for (const file of configFileNames) {
    const text = await read(file);
    if (text !== undefined) return { file, text };
  }

  return undefined;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    // A folder of that name is no config file: the next name is tried.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw error;
  }
}

/**
 * Finds the config in a folder, or reads `target` itself when it is a file.
 * Resolves to undefined when there is none, or when `target` is neither.
 */
export async function locateConfigOnDisk(
  target: string,
): Promise<LocatedConfig | undefined> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return undefined;
  if (info.isFile()) {
    return { file: path.basename(target), text: await readFile(target, 'utf8') };
  }
  // A device or a pipe (/dev/zero) is neither a config nor a folder of one.
  if (!info.isDirectory()) return undefined;

  return locateConfig((name) => readIfPresent(path.join(target, name)));
}
