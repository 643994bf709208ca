import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { awsPipeline } from '../../shared/aws/pipeline-deps.ts';
import { pipelineEnvNames } from '../../shared/aws/pipeline-env.ts';
import { readBuild, replan } from '../../shared/pipeline/build-stream.ts';
import type { PipelineDeps } from '../../shared/pipeline/deps.ts';
import { pipelineTasks, taskStateNames } from '../../shared/pipeline/index.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import {
  buildLines,
  type PipelineTables,
  pipelineTables,
  requestBuild,
} from './support.ts';

const buildBox = {
  name: 'BuildBox',
  platform: 'linux',
  source: { kind: 'ami', imageId: 'ami-0b0x' },
};

/** The Lambdas' deps as awsPipeline wires them from `env`, on DynamoDB Local. */
function lambdaDeps(tables: PipelineTables, env: Record<string, string>): PipelineDeps {
  vi.stubEnv(pipelineEnvNames.eventsTable, tables.eventsTable);
  vi.stubEnv(pipelineEnvNames.pipelineTable, tables.pipelineTable);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { deps } = awsPipeline();

  return {
    ...deps,
    sourceHost: {
      fetchConfig: async () => ({ path: 'appveyor.yml', text: config }),
      pullRequestFiles: async () => [],
      hasOpenPullRequest: async () => false,
    },
  };
}

const config = `
image: BuildBox
environment:
  APPVEYOR_BAKE_IMAGE: widget-tools
build_script:
  - make
`;

describe('the settings the construct gives the Lambdas, as they wire them', () => {
  let tables: PipelineTables;
  beforeAll(async () => {
    tables = await pipelineTables('aws-settings');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('ddbEndpoint'));
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('ddbEndpoint'));
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  });

  it("plans a job on an operator's catalog image by the catalog's platform, not its name", async () => {
    const deps = lambdaDeps(tables, {
      [pipelineEnvNames.baseImages]: JSON.stringify([buildBox]),
    });
    const buildId = await requestBuild(tables.store);

    await loadConfig({ buildId }, deps);

    const build = await readBuild(deps.events, buildId);
    expect(replan(build, deps.planBuild).jobs.map((j) => j.platform)).toEqual(['linux']);
  });

  it.each([
    ['true', 'BakeStarted:1'],
    ['false', 'MessageAdded:1'],
  ])(
    'bakes in a same-repository pull request when the setting is %s: %s',
    async (allowed, line) => {
      const deps = lambdaDeps(tables, {
        [pipelineEnvNames.baseImages]: JSON.stringify([buildBox]),
        [pipelineEnvNames.allowSameRepositoryPullRequestBakes]: allowed,
      });
      const buildId = await requestBuild(tables.store, 'Tools', 'e'.repeat(40), {
        number: 12,
        fromFork: false,
      });
      await loadConfig({ buildId }, deps);
      const decideBake = pipelineTasks[taskStateNames.decideBake];

      const decision = await decideBake?.({ buildId, jobId: '1' }, deps);

      expect(decision).toMatchObject({ bake: allowed === 'true' });
      expect((await buildLines(tables.store, buildId)).at(-1)).toBe(line);
    },
  );
});
