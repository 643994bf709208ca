import { describe, expect, it } from 'vitest';
import { maxConfigBytes } from '../../shared/config/load.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildOf, corpusText, outcomeOf, push } from './corpus.ts';

describe('planBuild: environment', () => {
  it('rejects environment.global that is not a map, at its value', () => {
    const result = planBuild('environment:\n  global: foo\n', push());

    expect(result.kind === 'rejected' && result.errors).toEqual([
      {
        file: 'appveyor.yml',
        message:
          'Error parsing appveyor.yml: "environment.global" must be a map of variables (Line: 2, Column: 11)',
        line: 2,
        column: 11,
        path: 'environment.global',
      },
    ]);
  });

  it('warns that a secure APPVEYOR_BAKE_IMAGE bakes nothing, at the variable', () => {
    const plan = buildOf('environment:\n  APPVEYOR_BAKE_IMAGE:\n    secure: c2VjcmV0\n');

    expect(plan.jobs[0]?.bake).toEqual({ mayBeSetByScript: false });
    expect(plan.warnings).toMatchObject([
      {
        line: 2,
        column: 3,
        message:
          'A secure APPVEYOR_BAKE_IMAGE is ignored: no image is baked from it; an image name is not secret, set it as plain text',
      },
    ]);
  });
});

describe('planBuild: APPVEYOR_BAKE_IMAGE', () => {
  it('warns at the value when the image name would be refused after the job', () => {
    const plan = buildOf('environment:\n  APPVEYOR_BAKE_IMAGE: ../../etc/evil\n');

    expect(plan.warnings).toMatchObject([
      {
        line: 2,
        column: 24,
        message: expect.stringContaining(
          'Invalid image name "../../etc/evil": use 1 to 80 letters',
        ),
      },
    ]);
  });

  it('says nothing of a valid image name', () => {
    const plan = buildOf('environment:\n  APPVEYOR_BAKE_IMAGE: prime-tools\n');

    expect(plan.warnings).toEqual([]);
  });
});

describe('planBuild: image names', () => {
  it('rejects an empty image name at its value, rather than plan a job on no image', () => {
    const result = planBuild('image:\n  - Ubuntu2204\n  - ""\n', push());

    expect(result.kind === 'rejected' && result.errors).toMatchObject([
      {
        message:
          'Error parsing appveyor.yml: "image" names an empty image (Line: 3, Column: 5)',
      },
    ]);
  });
});

describe('planBuild: clone_folder', () => {
  it('rejects a clone folder with a control character at its value', () => {
    const result = planBuild('clone_folder: "/home/appveyor/a\\0b"\n', push());

    expect(result.kind === 'rejected' && result.errors).toMatchObject([
      {
        message:
          'Error parsing appveyor.yml: "clone_folder" value must be a path without ' +
          'control characters (Line: 1, Column: 15)',
      },
    ]);
  });
});

describe('planBuild: matrix size', () => {
  const listOf = (key: string, count: number) =>
    `${key}:\n${Array.from({ length: count }, (_, i) => `  - ${key[0]}${i}\n`).join('')}`;

  it('rejects a matrix of more than 1,000 jobs before making them, at its first key', () => {
    const yaml = `platform: [x86]\n${listOf('configuration', 100)}${listOf('image', 100)}`;

    const started = Date.now();
    const result = planBuild(yaml, push());

    expect(result.kind === 'rejected' && result.errors).toEqual([
      {
        file: 'appveyor.yml',
        message:
          'Error parsing appveyor.yml: The matrix makes 10000 jobs (before matrix.exclude); a build runs at most 1000 (Line: 103, Column: 1)',
        line: 103,
        column: 1,
      },
    ]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('plans a matrix of exactly 1,000 jobs', () => {
    const yaml = `${listOf('configuration', 10)}${listOf('platform', 100)}`;

    expect(buildOf(yaml).jobs).toHaveLength(1000);
  });
});

describe('planBuild: config size', () => {
  it('rejects a config over 128 KB before planning, where the limit falls', () => {
    const line = `  - echo ${'x'.repeat(90)}\n`; // 100 bytes
    const yaml = `install:\n${line.repeat(1400)}`;

    const result = planBuild(yaml, push());

    expect(maxConfigBytes).toBe(131_072);
    expect(result.kind === 'rejected' && result.errors).toMatchObject([
      {
        line: 1312,
        column: 64,
        message:
          'Error parsing appveyor.yml: The config is 137 KB, over the 128 KB Bakehouse reads; the limit falls here (Line: 1312, Column: 64)',
      },
    ]);
  });

  it('plans a config of exactly 128 KB', () => {
    const yaml = `install:\n  - echo ${'x'.repeat(maxConfigBytes - 19)}\n`;

    expect(Buffer.byteLength(yaml)).toBe(maxConfigBytes);
    expect(planBuild(yaml, push()).kind).toBe('build');
  });
});

describe('planBuild: matrix', () => {
  it('says that matrix.exclude removed every job, not a for: block', () => {
    const yaml = 'platform: [x86]\nmatrix:\n  exclude:\n    - platform: x86\n';

    expect(outcomeOf(yaml)).toBe('matrix.exclude removes every job');
  });
});

describe('planBuild: script forms on macOS', () => {
  it("keeps sh: lines on macOS, as libyal/libevtx's macOS jobs need", () => {
    const plan = buildOf(
      corpusText('libyal__libevtx__appveyor.yml'),
      push({ branch: 'main' }),
    );
    const macos = plan.jobs.filter((job) => job.platform === 'macos');
    const shLines = macos.map(
      (job) =>
        job.phases.flatMap((phase) => phase.commands.filter((c) => c.shell === 'sh'))
          .length,
    );

    expect(macos.length).toBeGreaterThan(0);
    expect(shLines.every((count) => count > 0)).toBe(true);
  });
});

describe('planBuild: max_jobs', () => {
  it('rejects a max_jobs under 1, at its value: no job could ever take a slot', () => {
    const yaml = 'environment:\n  matrix:\n    - A: 1\n    - A: 2\nmax_jobs: 0\n';

    const result = planBuild(yaml, push());

    expect(result.kind === 'rejected' && result.errors).toEqual([
      {
        file: 'appveyor.yml',
        message:
          'Error parsing appveyor.yml: "max_jobs" value must be an integer of at least 1 (Line: 5, Column: 11)',
        line: 5,
        column: 11,
        path: 'max_jobs',
      },
    ]);
  });

  it('plans a max_jobs of 1', () => {
    expect(buildOf('max_jobs: 1\n').maxJobs).toBe(1);
  });
});

describe('planBuild: environment variable names', () => {
  it('rejects a name a script cannot export, at its key', () => {
    const yaml = 'environment:\n  GOOD: 1\n  "X=1; exit 0; Y": z\n';

    const result = planBuild(yaml, push());

    expect(result.kind === 'rejected' && result.errors).toEqual([
      {
        file: 'appveyor.yml',
        message:
          'Error parsing appveyor.yml: "environment.X=1; exit 0; Y" is not a variable name: a name is letters, digits and _, not starting with a digit (Line: 3, Column: 3)',
        line: 3,
        column: 3,
        path: 'environment.X=1; exit 0; Y',
      },
    ]);
  });

  it("rejects a name of the phase script's own, which would move its state folder", () => {
    const result = planBuild('environment:\n  __bh_dir: /tmp/elsewhere\n', push());

    expect(result.kind === 'rejected' && result.errors).toMatchObject([
      {
        message:
          'Error parsing appveyor.yml: "environment.__bh_dir" is not a variable name: names starting with __bh_ are Bakehouse\'s own (Line: 2, Column: 3)',
      },
    ]);
  });

  it('rejects a name with a space in a matrix row', () => {
    const yaml = 'environment:\n  matrix:\n    - BAD NAME: x\n';

    const result = planBuild(yaml, push());

    expect(result.kind === 'rejected' && result.errors).toMatchObject([
      { line: 3, column: 7, path: 'environment.matrix[0].BAD NAME' },
    ]);
  });
});
