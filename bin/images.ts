/** `bakehouse images [--json]`: every custom image and its current version. */
import type { ImageSummary } from '../shared/views/queries.ts';
import { imagesAnswer } from './answers.ts';
import { runClientCommand } from './client.ts';
import type { Command } from './commands.ts';
import { cell, json, table, time } from './format.ts';

const usage = `Usage: bakehouse images [--json] [--endpoint URL]

Lists the custom images baked so far, with their current version.
  --json   the images as JSON, for scripts
Exit codes: 0 listed, 1 no backend or an error answer, 2 wrong usage.`;

const options = { json: { type: 'boolean' } } as const;

/** The `images` command. */
export const images: Command = {
  summary: 'list the custom images',
  run: (argv) =>
    runClientCommand('images', usage, options, argv, async ({ values, client }) => {
      const { images: list } = await client.get('/api/images', imagesAnswer);

      process.stdout.write(values.json ? json(list) : imagesTable(list));
      return 0;
    }),
};

function imagesTable(list: readonly ImageSummary[]): string {
  if (list.length === 0) return 'No custom images yet.\n';

  return table(
    ['IMAGE', 'CURRENT', 'VERSIONS', 'REF', 'UPDATED'],
    list.map((image) => [
      image.name,
      image.currentVersion === undefined ? '-' : `v${image.currentVersion}`,
      String(image.versionCount),
      cell(image.currentRef),
      time(image.updatedAt),
    ]),
  );
}
