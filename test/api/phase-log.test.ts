import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { LocalPhaseLogs } from '../../local/phase-logs.ts';
import { phaseLogFile } from '../../local/runner-fleet/layout.ts';
import { readPhaseLog } from '../../shared/api/phase-log.ts';
import type { PhaseLogs } from '../../shared/api/ports.ts';
import { CloudWatchPhaseLogs } from '../../shared/aws/cloudwatch-phase-logs.ts';
import {
  outputWithoutReport,
  reportBeginMarker,
  reportEndMarker,
} from '../../shared/runners/phase-report.ts';
import type { BuildView, PhaseView } from '../../shared/views/build-view.ts';

const report = '{"outcome":"succeeded","exitCode":0,"variables":{},"messages":[]}';
const block = `${reportBeginMarker}\n${report}\n${reportEndMarker}\n`;
/** A phase's output as the runner writes it: the report, then the runner's own note. */
const output = `Building… 1/2\ndone${block}Bakehouse: phase build_script ended.\n`;
const shown = 'Building… 1/2\ndoneBakehouse: phase build_script ended.\n';

function buildWith(phase: Partial<PhaseView>): BuildView {
  const view: PhaseView = {
    phase: 'build_script',
    status: 'success',
    startedAt: '',
    ...phase,
  };

  return {
    buildId: '01B',
    jobs: [{ jobId: '1', name: 'Ubuntu2204', phases: [view] }],
  } as unknown as BuildView;
}

/** Reads a phase log from offset 0 to its end `limit` bytes at a time, as `logs --follow` does. */
async function follow(build: BuildView, logs: PhaseLogs, limit: number) {
  const texts: string[] = [];
  let offset = 0;
  for (let reads = 0; reads < 500; reads++) {
    const query = { jobId: '1', phase: 'build_script' as const, offset, limit };
    const piece = await readPhaseLog(build, query, logs);
    if (piece.nextOffset === offset) break;
    texts.push(piece.text);
    offset = piece.nextOffset;
  }

  return { text: texts.join(''), offset };
}

describe('readPhaseLog', () => {
  describe('over the local log files', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'bakehouse-phase-log-'));
    const file = phaseLogFile(stateDir, '01B', '1', 'build_script');
    mkdirSync(dirname(file), { recursive: true });
    const logs = new LocalPhaseLogs(stateDir);
    const bytes = Buffer.byteLength(output);

    it.each([1, 7, 40, 4096])(
      'leaves out the report block, at every read size (%i bytes)',
      async (limit) => {
        writeFileSync(file, output);

        const read = await follow(buildWith({}), logs, limit);

        expect(read).toEqual({ text: shown, offset: bytes });
      },
    );

    it('holds back a report block not yet whole while the phase runs', async () => {
      const half = output.indexOf(report) + 10;
      writeFileSync(file, output.slice(0, half));
      const running = buildWith({ status: 'running' });

      const first = await follow(running, logs, 4096);
      writeFileSync(file, output);
      const rest = await readPhaseLog(
        running,
        { jobId: '1', phase: 'build_script', offset: first.offset, limit: 4096 },
        logs,
      );

      expect(first).toEqual({
        text: 'Building… 1/2\ndone',
        offset: Buffer.byteLength('Building… 1/2\ndone'),
      });
      expect(first.text + rest.text).toBe(shown);
      expect(rest.nextOffset).toBe(bytes);
    });
  });

  describe('over CloudWatch Logs', () => {
    const group = '/bakehouse/phases';
    const stream = 'cmd-1/i-0abc/aws-runShellScript/stdout';
    const lines = output.slice(0, -1).split('\n');

    it('leaves out the report block spread over events and pages', async () => {
      const cloudWatch = mockClient(CloudWatchLogsClient);
      const events = lines.map((message) => ({ message }));
      cloudWatch
        .on(GetLogEventsCommand, { nextToken: undefined })
        .resolves({ events: events.slice(0, 3), nextForwardToken: 'f/1' })
        .on(GetLogEventsCommand, { nextToken: 'f/1' })
        .resolves({ events: events.slice(3), nextForwardToken: 'f/2' })
        .on(GetLogEventsCommand, { nextToken: 'f/2' })
        .resolves({ events: [], nextForwardToken: 'f/2' });
      const logs = new CloudWatchPhaseLogs(new CloudWatchLogsClient({}), group);
      const build = buildWith({ logPointer: `${group}:${stream}` });

      const whole = await follow(build, logs, 4096);
      const byPieces = await follow(build, logs, 9);

      expect(whole).toEqual({ text: shown, offset: Buffer.byteLength(output) });
      expect(byPieces).toEqual(whole);
    });
  });
});

describe('outputWithoutReport', () => {
  it('shows a marker that is not a whole block once the phase has ended', () => {
    const piece = `a ${reportBeginMarker} b\n##[`;

    expect(outputWithoutReport(piece, true)).toEqual({ text: piece, used: piece.length });
    expect(outputWithoutReport(piece, false)).toEqual({ text: 'a ', used: 2 });
  });

  it('waits for what may be the start of a marker while the phase runs', () => {
    expect(outputWithoutReport('progress ##[bake', false)).toEqual({
      text: 'progress ',
      used: 9,
    });
    expect(outputWithoutReport('50% #', false)).toEqual({ text: '50% ', used: 4 });
  });
});
