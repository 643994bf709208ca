/** `bakehouse image <name> [--json]`: an image's versions and where the current one came from. */
import type { ImageReference } from '../shared/events/catalogue.ts';
import type { ImageView } from '../shared/views/image-view.ts';
import type { ImageProvenance, ProvenanceChain } from '../shared/views/queries.ts';
import { imageAnswer, provenanceAnswer } from './answers.ts';
import { runClientCommand } from './client.ts';
import type { Command } from './commands.ts';
import { json, shortSha, table, time } from './format.ts';
import { isImageOperation, runImageOperation } from './image-ops.ts';

const usage = `Usage: bakehouse image <name> [--json] [--endpoint URL]

Shows a custom image: its versions, the current one, and the chain it was
baked from (build, commit and parent image, back to a base image).
  --json   the image and the provenance as JSON, for scripts
Exit codes: 0 shown, 1 no backend, no such image or an error answer, 2 wrong usage.
Operations: bakehouse image rollback|deprecate|delete ... (see --help of each);
an image named like one of them is shown with bakehouse image -- <name>.`;

const options = { json: { type: 'boolean' } } as const;

/** The `image` command. */
export const image: Command = {
  summary: "show an image's versions and provenance; roll back, deprecate, delete",
  run: (argv) =>
    isImageOperation(argv)
      ? runImageOperation(argv)
      : runClientCommand(
          'image',
          usage,
          options,
          argv,
          async ({ values, positionals, client }) => {
            const name = encodeURIComponent(positionals[0] ?? '');
            const view = await client.get(`/api/images/${name}`, imageAnswer);
            const provenance =
              view.currentVersion === undefined
                ? undefined
                : await client.get(
                    `/api/images/${name}/versions/${view.currentVersion}/provenance`,
                    provenanceAnswer,
                  );

            process.stdout.write(
              values.json
                ? json({ image: view, provenance })
                : describe(view, provenance),
            );
            return 0;
          },
          { min: 1, max: 1 },
        ),
};

function describe(view: ImageView, chain: ProvenanceChain | undefined): string {
  const current = view.currentVersion === undefined ? 'none' : `v${view.currentVersion}`;
  const versions = table(
    ['VERSION', 'STATUS', 'REF', 'BUILD', 'REPOSITORY', 'COMMIT', 'PARENT', 'ADDED'],
    view.versions.map((v) => [
      `v${v.version}${v.version === view.currentVersion ? ' *' : ''}`,
      v.status,
      v.ref,
      v.buildId,
      v.repository,
      shortSha(v.commit),
      reference(v.parent),
      time(v.addedAt),
    ]),
  );
  const lines = [`Image ${view.name}: current ${current}`, '', versions];
  if (chain) lines.push(`Provenance of ${view.name} ${current}:`, ...provenance(chain));

  return `${lines.join('\n')}\n`;
}

function provenance(chain: ProvenanceChain): string[] {
  const links = [chain.image, ...chain.ancestors].map(
    (link: ImageProvenance) =>
      `  ${link.name} v${link.version}  baked by build ${link.buildId} of ` +
      `${link.repository} at ${shortSha(link.commit)}, from ${reference(link.parent)}`,
  );
  const root = chain.base
    ? `  ${chain.base.name}  base image${chain.base.ref ? ` (${chain.base.ref})` : ''}`
    : '  (the chain stops at a version whose provenance is not recorded)';

  return [...links, root];
}

function reference(image: ImageReference): string {
  return image.version === undefined ? image.name : `${image.name} v${image.version}`;
}
