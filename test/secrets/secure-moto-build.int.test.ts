import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ListCommandsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { synthesizeDefinition } from '../../infra/definition.ts';
import { localCredentials } from '../../local/dynamodb-local.ts';
import { buildStream } from '../../shared/events/catalogue.ts';
import type { StoredEvent } from '../../shared/events/store.ts';
import { phaseScriptGenerator } from '../../shared/pipeline/phase-scripts.ts';
import { commitStatusFor } from '../../shared/reactors/commit-status.ts';
import { encryptWithKms } from '../../shared/secrets/kms.ts';
import { kmsDecryption } from '../../shared/secrets/runner-decryption.ts';
import {
  foldStream,
  projectionFor,
  viewItemsOf,
} from '../../shared/views/projections.ts';
import { motoPipeline } from '../pipeline/moto-pipeline.ts';
import { motoSsm } from '../support/moto.ts';

const plaintext = 'ghp_whole-build-secure-value-on-moto';

/** Every form of the value a careless encoding would leave findable. */
const forms = [plaintext, Buffer.from(plaintext).toString('base64')];

/**
 * A secure value through a whole build of the synthesized pipeline, with the
 * EC2 fleet on moto_server: the config's ciphertext reaches the runners in
 * SendCommand, the value itself nowhere Bakehouse records anything. moto
 * runs no command, so what the runner prints is covered by the local
 * end-to-end build (secure-build.e2e.test.ts).
 */
describe('a secure value through a whole build on the moto pipeline', () => {
  let ssm: SSMClient;
  let kms: KMSClient;
  let ciphertext: string;
  let buildId: string;
  let lines: string[];
  let events: StoredEvent[];
  let runners: string[];

  beforeAll(async () => {
    const endpoint = inject('motoEndpoint');
    ssm = motoSsm(endpoint);
    kms = new KMSClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
    const key = await kms.send(new CreateKeyCommand({ Description: 'bakehouse test' }));
    ciphertext = await encryptWithKms(kms, key.KeyMetadata?.KeyId ?? '', plaintext);
    const pipeline = await motoPipeline(synthesizeDefinition(), 10, {
      generatePhaseScript: phaseScriptGenerator({
        repositoryUrl: (repository) => `https://github.com/${repository}.git`,
        repositoryProvider: 'gitHub',
        decryption: kmsDecryption('us-east-1'),
      }),
    });
    const config = [
      'image: Ubuntu2204',
      'environment:',
      '  API_TOKEN:',
      `    secure: ${ciphertext}`,
      'install:',
      '  - echo "installing with $API_TOKEN"',
      'build_script:',
      '  - echo "the token is $API_TOKEN"',
      '  - appveyor SetVariable -Name COPY -Value "$API_TOKEN"',
      'on_finish:',
      '  - echo "done with $API_TOKEN"',
      '',
    ].join('\n');

    ({ buildId, lines } = await pipeline.build(config));
    events = await pipeline.store.read(buildStream(buildId));
    runners = await pipeline.runners(buildId);
  }, 180_000);
  afterAll(() => {
    ssm?.destroy();
    kms?.destroy();
  });

  it('runs every phase, each a SendCommand carrying the ciphertext and never the value', async () => {
    const commands = [];
    for (const runnerId of runners) {
      const listed = await ssm.send(new ListCommandsCommand({ InstanceId: runnerId }));
      commands.push(...(listed.Commands ?? []));
    }
    const recorded = JSON.stringify(commands);

    expect(lines.at(-1)).toBe('BuildFinished:success');
    expect(commands).toHaveLength(
      lines.filter((l) => l.startsWith('PhaseStarted')).length,
    );
    expect(commands.every((c) => JSON.stringify(c).includes(ciphertext))).toBe(true);
    expect(recorded).toContain('the token is $API_TOKEN');
    for (const form of forms) expect(recorded).not.toContain(form);
  });

  it('writes the value to no event, view or commit status of the build', () => {
    const stream = buildStream(buildId);
    const projection = projectionFor(stream);
    const state = projection && foldStream(projection, undefined, events);
    const views = state && viewItemsOf(projection, stream, state, events.length);
    const statuses = events.map((e) => commitStatusFor(events, e.version, 'https://ci'));
    const recorded = JSON.stringify({ events, views, statuses });

    expect(JSON.stringify(events)).toContain(ciphertext);
    expect(statuses.filter(Boolean)).toHaveLength(2);
    for (const form of forms) expect(recorded).not.toContain(form);
  });
});
