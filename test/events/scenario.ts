import { allocateBuildNumber } from '../../shared/builds/build-numbers.ts';
import { buildStream, imageStream, newEvent } from '../../shared/events/catalogue.ts';
import type { DynamoDbEventStore } from '../../shared/events/dynamodb-event-store.ts';
import type { NewEvent } from '../../shared/events/store.ts';

async function append(store: DynamoDbEventStore, streamId: string, events: NewEvent[]) {
  const expectedVersion = await store.version(streamId);
  await store.commit({ appends: [{ streamId, expectedVersion, events }] });
}

function requested(buildId: string, repository: string) {
  return newEvent('BuildRequested', {
    buildId,
    repository,
    sha: `sha-${buildId}`,
    ref: 'refs/heads/main',
    branch: 'main',
    commit: {
      message: `Build ${buildId}\n\nbody`,
      author: { name: 'Ada', email: 'a@x' },
    },
    deliveryId: `delivery-${buildId}`,
    requestedAt: '2026-12-03T10:00:00.000Z',
  });
}

/**
 * Writes a small history: a tools image baked from a base image, an app image
 * baked from the tools image, a failed build, a skipped one, and events this
 * code does not know (a future type and a newer schema version).
 */
export async function writeScenario(store: DynamoDbEventStore): Promise<void> {
  const tools = buildStream('01TOOLS');
  await append(store, tools, [requested('01TOOLS', 'Acme/Tools')]);
  const number = await allocateBuildNumber(store, 'Acme/Tools', '01TOOLS');
  await append(store, tools, [
    newEvent('ConfigLoaded', {
      configPath: 'appveyor.yml',
      jobs: [{ jobId: '1', name: 'Ubuntu2204', image: 'Ubuntu2204' }],
      versionFormat: '1.0.{build}',
      warnings: 0,
    }),
    newEvent('BuildStarted', { number, version: `1.0.${number}` }),
    newEvent('RunnerLaunched', {
      jobId: '1',
      runnerId: 'r-1',
      image: { name: 'Ubuntu2204', ref: 'ami-base' },
    }),
    newEvent('PhaseStarted', { jobId: '1', phase: 'install' }),
    { type: 'RunnerRebooted', data: { jobId: '1' } },
    newEvent('PhaseFinished', {
      jobId: '1',
      phase: 'install',
      outcome: 'success',
      exitCode: 0,
      durationMs: 1234,
      logPointer: 'logs/01TOOLS/1/install.log',
    }),
    { type: 'VariableSet', schemaVersion: 99, data: { jobId: '1', name: 'FUTURE' } },
    newEvent('VariableSet', { jobId: '1', name: 'APPVEYOR_BAKE_IMAGE' }),
    newEvent('BakeStarted', { jobId: '1', imageName: 'Tools' }),
    newEvent('ImageBaked', {
      jobId: '1',
      imageName: 'Tools',
      version: 1,
      ref: 'ami-tools-1',
      parent: { name: 'Ubuntu2204', ref: 'ami-base' },
    }),
  ]);
  await append(store, imageStream('Tools'), [
    newEvent('ImageVersionAdded', {
      name: 'Tools',
      version: 1,
      ref: 'ami-tools-1',
      platform: 'linux',
      buildId: '01TOOLS',
      jobId: '1',
      commit: 'sha-01TOOLS',
      repository: 'Acme/Tools',
      parent: { name: 'Ubuntu2204', ref: 'ami-base' },
    }),
    newEvent('ImageVersionMadeCurrent', { version: 1, buildId: '01TOOLS' }),
  ]);
  await append(store, tools, [
    newEvent('RunnerTerminated', { jobId: '1', runnerId: 'r-1', reason: 'job finished' }),
    newEvent('JobFinished', { jobId: '1', status: 'success', allowedFailure: false }),
    newEvent('BuildFinished', { status: 'success' }),
  ]);

  const app = buildStream('01APP');
  await append(store, app, [requested('01APP', 'Acme/App')]);
  const appNumber = await allocateBuildNumber(store, 'Acme/App', '01APP');
  await append(store, app, [
    newEvent('BuildStarted', { number: appNumber, version: `2.0.${appNumber}` }),
    newEvent('JobQueued', { jobId: '1' }),
    newEvent('ImageBaked', {
      jobId: '1',
      imageName: 'App',
      version: 1,
      ref: 'ami-app-1',
      parent: { name: 'Tools', version: 1, ref: 'ami-tools-1' },
    }),
    newEvent('JobFinished', { jobId: '1', status: 'success', allowedFailure: false }),
    newEvent('BuildFinished', { status: 'success' }),
  ]);
  await append(store, imageStream('App'), [
    newEvent('ImageVersionAdded', {
      name: 'App',
      version: 1,
      ref: 'ami-app-1',
      platform: 'linux',
      buildId: '01APP',
      commit: 'sha-01APP',
      repository: 'Acme/App',
      parent: { name: 'Tools', version: 1, ref: 'ami-tools-1' },
    }),
    newEvent('ImageVersionMadeCurrent', { version: 1 }),
    newEvent('ImageVersionDeprecated', { version: 1, reason: 'superseded' }),
  ]);

  await append(store, buildStream('01BROKEN'), [
    requested('01BROKEN', 'Acme/App'),
    newEvent('ConfigRejected', {
      errors: [{ message: 'unknown key', line: 3, column: 1 }],
    }),
    newEvent('BuildFinished', { status: 'failed' }),
  ]);
  await append(store, buildStream('01SKIP'), [
    requested('01SKIP', 'Acme/App'),
    newEvent('BuildSkipped', { reason: 'the commit message says [skip ci]' }),
  ]);
}
