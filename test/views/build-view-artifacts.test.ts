import { describe, expect, it } from 'vitest';
import {
  type EventType,
  newEvent,
  type TypedNewEvent,
} from '../../shared/events/catalogue.ts';
import type { BuildView } from '../../shared/views/build-view.ts';
import { folded, requested } from './support.ts';

function pushed(fileName: string, size: number, name?: string) {
  return newEvent('ArtifactPushed', {
    jobId: '1',
    fileName,
    ...(name && { name }),
    type: 'Auto',
    size,
    key: `artifacts/01JBUILD/1/${fileName}`,
    path: fileName,
  });
}

function fold(events: TypedNewEvent<EventType>[]): BuildView | undefined {
  return folded<BuildView>('build-01JBUILD', events);
}

describe('the build view of artifacts', () => {
  it('lists what each job pushed, with where it is and when', () => {
    const view = fold([requested, pushed('bin/app.zip', 42, 'App')]);

    expect(view?.jobs[0]?.artifacts).toEqual([
      {
        fileName: 'bin/app.zip',
        name: 'App',
        type: 'Auto',
        size: 42,
        key: 'artifacts/01JBUILD/1/bin/app.zip',
        pushedAt: '2026-12-03T10:00:01.000Z',
      },
    ]);
  });

  it('replaces an artifact pushed again under the same file name, in its place', () => {
    const view = fold([
      requested,
      pushed('a.txt', 1),
      pushed('b.txt', 2),
      pushed('a.txt', 3),
    ]);

    expect(view?.jobs[0]?.artifacts?.map((a) => [a.fileName, a.size])).toEqual([
      ['a.txt', 3],
      ['b.txt', 2],
    ]);
  });

  it('shows no artifacts on a job that pushed none', () => {
    const view = fold([requested, newEvent('JobQueued', { jobId: '1' })]);

    expect(view?.jobs[0]).not.toHaveProperty('artifacts');
  });
});
