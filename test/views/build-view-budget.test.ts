import { describe, expect, it } from 'vitest';
import {
  type EventType,
  newEvent,
  type TypedNewEvent,
} from '../../shared/events/catalogue.ts';
import { type BuildView, buildViewBudget } from '../../shared/views/build-view.ts';
import { projectionFor, viewItemsOf } from '../../shared/views/projections.ts';
import { folded, requested } from './support.ts';

const streamId = 'build-01JBUILD';

function pushed(jobId: string, fileName: string) {
  return newEvent('ArtifactPushed', {
    jobId,
    fileName,
    type: 'Auto',
    size: 1,
    key: `artifacts/01JBUILD/${jobId}/${fileName}`,
    path: fileName,
  });
}

function times<T>(count: number, make: (n: number) => T): T[] {
  return Array.from({ length: count }, (_, n) => make(n));
}

function fold(events: TypedNewEvent<EventType>[]): BuildView {
  return folded<BuildView>(streamId, events);
}

/** The size of the view's primary item, as JSON: DynamoDB's limit is 400 KB. */
function itemBytes(view: BuildView, version: number): number {
  const projection = projectionFor(streamId);
  if (!projection) throw new Error('build streams have a projection');

  return Buffer.byteLength(
    JSON.stringify(viewItemsOf(projection, streamId, view, version).primary),
  );
}

describe("the build view's budget", () => {
  it('keeps 100 messages of at most 1 KB each and counts the rest', () => {
    const huge = 'x'.repeat(100 * 1024);
    const events = [
      requested,
      ...times(150, () =>
        newEvent('MessageAdded', { jobId: '1', level: 'warning', message: huge }),
      ),
    ];

    const view = fold(events);

    expect(view.messages).toHaveLength(buildViewBudget.messages);
    expect(view.messagesNotShown).toBe(50);
    expect(view.messages[0]?.message).toMatch(
      /^x{1024}… \[Bakehouse kept the first 1024 of 102400 bytes\]$/,
    );
    expect(itemBytes(view, events.length)).toBeLessThan(200 * 1024);
  });

  it('lists 500 artifacts of a build, counting the rest per job, and replaces listed ones', () => {
    const events = [
      requested,
      ...times(300, (n) => pushed('1', `a/${n}.bin`)),
      ...times(300, (n) => pushed('2', `b/${n}.bin`)),
      { ...pushed('1', 'a/0.bin'), data: { ...pushed('1', 'a/0.bin').data, size: 7 } },
    ];

    const view = fold(events);
    const [first, second] = view.jobs;

    expect(first?.artifacts).toHaveLength(300);
    expect(first?.artifacts?.[0]).toMatchObject({ fileName: 'a/0.bin', size: 7 });
    expect(second?.artifacts).toHaveLength(200);
    expect(second?.artifactsNotListed).toBe(100);
    expect(itemBytes(view, events.length)).toBeLessThan(350 * 1024);
  });

  it('lists 100 variable names per job, each within 128 bytes, and counts the rest', () => {
    const events = [
      requested,
      ...times(120, (n) => newEvent('VariableSet', { jobId: '1', name: `V${n}` })),
      newEvent('VariableSet', { jobId: '2', name: 'N'.repeat(10_000) }),
    ];

    const view = fold(events);

    expect(view.jobs[0]?.variables).toHaveLength(100);
    expect(view.jobs[0]?.variablesNotListed).toBe(20);
    expect(Buffer.byteLength(view.jobs[1]?.variables[0] ?? '')).toBeLessThan(200);
  });
});
