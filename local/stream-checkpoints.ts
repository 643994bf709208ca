import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { StreamCheckpoints } from './stream-poller.ts';

/**
 * Stream checkpoints in a JSON file of the state folder, written whole after
 * each batch (to a temporary file, then renamed, so a crash leaves the last
 * complete one). A missing or unreadable file means no checkpoint yet.
 */
export function fileCheckpoints(file: string): StreamCheckpoints {
  return {
    load: () => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      } catch {
        return {};
      }
    },
    save: (positions) => {
      writeFileSync(`${file}.new`, `${JSON.stringify(positions)}\n`);
      renameSync(`${file}.new`, file);
    },
  };
}
