import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeDefinition } from '../../infra/definition.ts';
import { buildStream } from '../../shared/events/catalogue.ts';
import type { EventStore } from '../../shared/events/store.ts';
import { motoPipeline } from './moto-pipeline.ts';

const oneJob = 'image: Ubuntu2204\nbuild_script:\n  - make\n';

/** The store, failing the first commit that records a successful end. */
function failingFirstEnd(store: EventStore): EventStore {
  let failed = false;

  return {
    read: (streamId, fromVersion) => store.read(streamId, fromVersion),
    commit: async (commit) => {
      const events = commit.appends.flatMap((a) => a.events);
      const end = events.some(
        (e) => e.type === 'BuildFinished' && e.data.status !== 'error',
      );
      if (end && !failed) {
        failed = true;
        const error = new Error('Throughput exceeds the current capacity of your table');
        error.name = 'ProvisionedThroughputExceededException';
        throw error;
      }

      return store.commit(commit);
    },
  };
}

/** The definition with RunBuildScript's payload pointing at no runner: States.Runtime. */
function brokenPayload(): Record<string, unknown> {
  const text = JSON.stringify(synthesizeDefinition());
  const definition = JSON.parse(text) as {
    States: Record<string, { ItemProcessor?: { States: Record<string, unknown> } }>;
  };
  const inner = definition.States.RunJobs?.ItemProcessor?.States ?? {};
  const state = inner.RunBuildScript as {
    Parameters: { Payload: Record<string, string> };
  };
  state.Parameters.Payload['runnerId.$'] = '$.runner.noSuchField';

  return definition;
}

describe('every build reaches a final state, through the synthesized pipeline on moto', () => {
  it('runs an empty appveyor.yml as one job on the default image, to success', async () => {
    const pipeline = await motoPipeline(synthesizeDefinition());

    const { buildId, lines } = await pipeline.build('');

    expect(lines).toContain('RunnerLaunched:1');
    expect(lines).toContain('JobFinished:1:success');
    expect(lines.at(-1)).toBe('BuildFinished:success');
    expect(pipeline.orchestrator.status(buildId)).toMatchObject({ status: 'succeeded' });
  });

  describe('when FinishBuild fails', () => {
    let pipeline: Awaited<ReturnType<typeof motoPipeline>>;
    beforeAll(async () => {
      pipeline = await motoPipeline(synthesizeDefinition(), 10, {
        events: failingFirstEnd,
      });
    });

    it('ends the build as error with the cause, and fails the execution', async () => {
      const { buildId, lines } = await pipeline.build(oneJob);

      expect(lines.slice(-3)).toEqual([
        'JobFinished:1:success',
        'MessageAdded',
        'BuildFinished:error',
      ]);
      const events = await pipeline.store.read(buildStream(buildId));
      expect(String(events.at(-1)?.data.reason)).toMatch(
        /failed before it recorded the build's end: ProvisionedThroughputExceeded/,
      );
      expect(pipeline.orchestrator.status(buildId)).toMatchObject({
        status: 'failed',
        error: 'FinishBuildFailed',
      });
    });
  });

  describe('when the execution fails where no Catch reaches (States.Runtime)', () => {
    let pipeline: Awaited<ReturnType<typeof motoPipeline>>;
    beforeAll(async () => {
      pipeline = await motoPipeline(brokenPayload());
    });

    it("ends the build as error with the execution's cause and ends its runner", async () => {
      const { buildId, lines } = await pipeline.build(oneJob);

      expect(pipeline.orchestrator.status(buildId)).toMatchObject({
        status: 'failed',
        error: 'States.Runtime',
      });
      expect(lines.slice(-4)).toEqual([
        'RunnerTerminated:1',
        'JobFinished:1:cancelled',
        'MessageAdded',
        'BuildFinished:error',
      ]);
      const events = await pipeline.store.read(buildStream(buildId));
      expect(String(events.at(-1)?.data.reason)).toMatch(
        /States\.Runtime: .*noSuchField/,
      );
      expect(await pipeline.running(buildId)).toEqual([]);
    });
  });
});
