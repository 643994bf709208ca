import { describe, expect, it } from 'vitest';
import { describeBuild } from '../../bin/show.ts';
import type { BuildView } from '../../shared/views/build-view.ts';

const rejected: BuildView = {
  buildId: '01REJECTED',
  repository: 'acme/widget',
  sha: 'c0ffee00',
  ref: 'refs/heads/main',
  branch: 'main',
  commitTitle: 'Break the config',
  author: 'Ada',
  requestedAt: '2026-12-03T10:00:00.000Z',
  status: 'failed',
  configErrors: [
    {
      message: 'Error parsing appveyor.yml: Duplicate key "image" (Line: 3, Column: 1)',
      line: 3,
      column: 1,
    },
  ],
  jobs: [],
  messages: [],
};

describe('bakehouse show of a build whose config was rejected', () => {
  it('prints each error once, with its location as AppVeyor words it', () => {
    const text = describeBuild(rejected);

    expect(text).toContain(
      '  error     Error parsing appveyor.yml: Duplicate key "image" (Line: 3, Column: 1)\n',
    );
    expect(text.match(/Line: 3/g)).toHaveLength(1);
  });
});

describe('bakehouse show of a job on a base image', () => {
  it('names the image once', () => {
    const build: BuildView = {
      ...rejected,
      status: 'success',
      configErrors: [],
      jobs: [
        {
          jobId: '1',
          name: 'Image: Ubuntu2204',
          image: 'Ubuntu2204',
          status: 'success',
          phases: [],
          variables: [],
          runner: { runnerId: 'r-1', image: { name: 'Ubuntu2204', ref: 'ami-1' } },
        },
      ],
    };

    expect(describeBuild(build)).toContain(
      'Job 1: Image: Ubuntu2204 (Ubuntu2204): success',
    );
  });
});
