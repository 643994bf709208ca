import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { statusReactorHandler } from '../../functions/status-reactor.ts';
import { executionConsoleUrl } from '../../shared/aws/step-functions-orchestrator.ts';
import { parseErrorMessage } from '../../shared/config/diagnostics.ts';
import {
  type BuildEventData,
  buildStream,
  type EventType,
  newEvent,
} from '../../shared/events/catalogue.ts';
import { encodeEvent } from '../../shared/events/event-item.ts';
import type { NewEvent, StoredEvent } from '../../shared/events/store.ts';
import type { CommitStatus } from '../../shared/ports/source-host.ts';
import {
  postCommitStatuses,
  statusContexts,
} from '../../shared/reactors/commit-status.ts';
import { MemoryEventStore } from '../webhook/support.ts';

const stateMachineArn =
  'arn:aws:states:eu-west-1:123456789012:stateMachine:bakehouse-build';

const requested = (buildId: string, pr = false): BuildEventData['BuildRequested'] => ({
  buildId,
  repository: 'octo/app',
  sha: 'merge0',
  ref: pr ? 'refs/pull/4/merge' : 'refs/heads/main',
  branch: 'main',
  ...(pr && {
    pullRequest: { number: 4, headSha: 'head0', headBranch: 'feature', fromFork: true },
  }),
  commit: { message: 'Change', author: { name: 'Mona', email: '' } },
  deliveryId: 'd',
  requestedAt: '2026-01-01T00:00:00Z',
});

/** A build stream in a memory store, with the reactor wired to record statuses. */
async function build(buildId: string, events: NewEvent[]) {
  const store = new MemoryEventStore();
  await store.commit({
    appends: [{ streamId: buildStream(buildId), expectedVersion: 0, events }],
  });
  const posted: CommitStatus[] = [];
  const deps = {
    store,
    reporter: { post: async (s: CommitStatus) => void posted.push(s) },
    targetUrl: (id: string) => executionConsoleUrl(stateMachineArn, id),
  };

  return { store, posted, deps };
}

const started = newEvent('BuildStarted', { number: 5, version: '1.0.5' });
const finished = (status: BuildEventData['BuildFinished']['status']) =>
  newEvent('BuildFinished', { status });
const ofType = (events: StoredEvent[], ...types: EventType[]) =>
  events.filter((e) => types.includes(e.type as EventType));

describe('the commit-status reactor', () => {
  it('posts pending when a branch build starts and success when it finishes', async () => {
    const { store, posted, deps } = await build('B1', [
      newEvent('BuildRequested', requested('B1')),
      started,
      finished('success'),
    ]);

    await postCommitStatuses(store.events, deps);

    expect(posted.map((s) => [s.state, s.description, s.sha, s.context])).toEqual([
      ['pending', 'Build 1.0.5 is running', 'merge0', statusContexts.branch],
      ['success', 'Build 1.0.5 succeeded', 'merge0', statusContexts.branch],
    ]);
    expect(posted[0]?.targetUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/' +
        encodeURIComponent(
          'arn:aws:states:eu-west-1:123456789012:execution:bakehouse-build:B1',
        ),
    );
  });

  it('posts a pull request build on its head commit under the pr context', async () => {
    const { store, posted, deps } = await build('B2', [
      newEvent('BuildRequested', requested('B2', true)),
      started,
      finished('failed'),
    ]);

    await postCommitStatuses(ofType(store.events, 'BuildFinished'), deps);

    expect(posted).toMatchObject([
      { sha: 'head0', context: statusContexts.pullRequest, state: 'failure' },
    ]);
  });

  it.each([
    ['error', 'error', 'Build 1.0.5 errored'],
    ['cancelled', 'error', 'Build 1.0.5 was cancelled'],
    ['interrupted', 'error', 'Build 1.0.5 was interrupted'],
  ] as const)(
    'maps a build that finished %s to %s',
    async (status, state, description) => {
      const { store, posted, deps } = await build('B3', [
        newEvent('BuildRequested', requested('B3')),
        started,
        finished(status),
      ]);

      await postCommitStatuses(ofType(store.events, 'BuildFinished'), deps);

      expect(posted).toMatchObject([{ state, description }]);
    },
  );

  it('posts nothing for a skipped build', async () => {
    const { store, posted, deps } = await build('B4', [
      newEvent('BuildRequested', requested('B4')),
      newEvent('BuildSkipped', { reason: 'commit message has [skip ci]' }),
      finished('success'),
    ]);

    await postCommitStatuses(store.events, deps);

    expect(posted).toEqual([]);
  });

  it("says AppVeyor's parse error, once, when the config was rejected", async () => {
    const { store, posted, deps } = await build('B5', [
      newEvent('BuildRequested', requested('B5')),
      newEvent('ConfigRejected', {
        configPath: 'appveyor.yml',
        errors: [
          {
            message: parseErrorMessage('Duplicate key', { line: 3, column: 1 }),
            line: 3,
            column: 1,
          },
        ],
      }),
      finished('failed'),
    ]);

    await postCommitStatuses(store.events, deps);

    expect(posted).toMatchObject([
      {
        state: 'failure',
        description: 'Error parsing appveyor.yml: Duplicate key (Line: 3, Column: 1)',
      },
    ]);
  });

  it('reports the first stream record whose status could not be posted', async () => {
    const { store, deps } = await build('B6', [
      newEvent('BuildRequested', requested('B6')),
      started,
      finished('success'),
    ]);
    const failing = {
      ...deps,
      reporter: { post: async () => Promise.reject(new Error('503')) },
    };
    const records: DynamoDBRecord[] = store.events.map((e, i) => ({
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: String(i + 1),
        NewImage: encodeEvent(e.streamId, e.version, e, e.recordedAt) as never,
      },
    }));
    const errors: unknown[] = [];

    const answer = await statusReactorHandler(() => failing, {
      error: (_m, attributes) => errors.push(attributes),
    })({ Records: records });

    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(errors).toMatchObject([{ buildId: 'B6', event: 'BuildStarted' }]);
  });
});
