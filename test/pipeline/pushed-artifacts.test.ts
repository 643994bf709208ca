import { describe, expect, it } from 'vitest';
import { pushedArtifactEvents } from '../../shared/pipeline/pushed-artifacts.ts';
import type { PhaseResult } from '../../shared/ports/runner-fleet.ts';

function result(artifacts: PhaseResult['artifacts']): PhaseResult {
  return {
    buildId: '01JBUILD',
    jobId: '2',
    phase: 'after_test',
    callbackToken: 'token',
    outcome: 'succeeded',
    exitCode: 0,
    durationMs: 10,
    variables: {},
    messages: [],
    logPointer: 'logs/after_test.log',
    ...(artifacts && { artifacts }),
  };
}

describe('pushedArtifactEvents', () => {
  it('records each pushed file with its key in the store, never its bytes', () => {
    const events = pushedArtifactEvents(
      result([
        {
          fileName: 'bin/app.zip',
          name: 'App',
          type: 'Zip',
          size: 42,
          path: 'bin/app.zip',
        },
        { fileName: 'notes.txt', type: 'Auto', size: 3, path: '/tmp/notes.txt' },
      ]),
    );

    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        'ArtifactPushed',
        {
          jobId: '2',
          fileName: 'bin/app.zip',
          name: 'App',
          type: 'Zip',
          size: 42,
          key: 'artifacts/01JBUILD/2/bin/app.zip',
          path: 'bin/app.zip',
        },
      ],
      [
        'ArtifactPushed',
        {
          jobId: '2',
          fileName: 'notes.txt',
          type: 'Auto',
          size: 3,
          key: 'artifacts/01JBUILD/2/notes.txt',
          path: '/tmp/notes.txt',
        },
      ],
    ]);
  });

  it('turns a file name the store cannot hold into an error message', () => {
    const events = pushedArtifactEvents(
      result([{ fileName: '../up.txt', type: 'Auto', size: 1, path: 'up.txt' }]),
    );

    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        'MessageAdded',
        {
          jobId: '2',
          level: 'error',
          message:
            "Artifact '../up.txt' pushed in phase after_test of job 2 is not recorded: " +
            'it has an empty, "." or ".." segment, or starts with /',
        },
      ],
    ]);
  });

  it('records nothing for a phase that pushed nothing', () => {
    expect(pushedArtifactEvents(result(undefined))).toEqual([]);
  });
});
