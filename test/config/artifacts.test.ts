import { describe, expect, it } from 'vitest';
import { describePlan } from '../../shared/config/describe.ts';
import { planBuild } from '../../shared/config/planner.ts';
import { buildOf, corpusText, push } from './corpus.ts';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('the artifacts: section', () => {
  it('plans each job with its entries: path, name and type as written', () => {
    const plan = buildOf(
      yaml(
        'image: Ubuntu2204',
        'artifacts:',
        '  - path: dist\\*.whl',
        '    name: Wheels',
        '  - path: logs',
        '    type: zip',
        '  - build/app.tar.gz',
      ),
    );

    expect(plan.jobs[0]?.artifacts).toEqual([
      { path: 'dist\\*.whl', name: 'Wheels' },
      { path: 'logs', type: 'Zip' },
      { path: 'build/app.tar.gz' },
    ]);
    expect(plan.notRun.map((note) => note.path)).not.toContain('artifacts');
  });

  it('shows each entry in the plan that validate prints', () => {
    const result = planBuild(
      yaml('image: Ubuntu2204', 'artifacts:', '  - path: out/*.zip', '    name: App'),
      push(),
    );

    expect(describePlan(result)).toContain(
      '  artifact out/*.zip (name App), after after_test\n',
    );
  });

  it('takes a single map as a list of one', () => {
    const plan = buildOf(yaml('artifacts:', '  path: out.zip', '  name: App'));

    expect(plan.jobs[0]?.artifacts).toEqual([{ path: 'out.zip', name: 'App' }]);
  });

  it('rejects an entry without a path, located in the file', () => {
    const result = planBuild(yaml('artifacts:', '  - name: Nothing'), push());

    expect(result.kind).toBe('rejected');
    expect(result.kind === 'rejected' && result.errors[0]?.message).toBe(
      'Error parsing appveyor.yml: "artifacts[0].path" is required: ' +
        'a file, a folder or a wildcard (Line: 2, Column: 5)',
    );
  });

  it('warns about an unknown key and an unknown type, and keeps the entry', () => {
    const plan = buildOf(
      yaml('artifacts:', '  - path: a.bin', '    type: Tarball', '    public: true'),
    );

    expect(plan.jobs[0]?.artifacts).toEqual([{ path: 'a.bin', type: 'Tarball' }]);
    expect(plan.warnings.map((w) => [w.line, w.message])).toEqual([
      [
        3,
        'Artifact type "Tarball" is not one of Auto, WebDeployPackage, NuGetPackage, ' +
          'AzureCloudService, AzureCloudServiceConfig, SsdtPackage, Zip, File; ' +
          'kept as written',
      ],
      [4, 'Unknown key "artifacts[0].public" is ignored'],
    ]);
  });

  it('lets a for: block extend the list with a list, and off clear it', () => {
    const plan = buildOf(
      yaml(
        'artifacts:',
        '  - path: everywhere.zip',
        'for:',
        '  - branches:',
        '      only: [main]',
        '    artifacts: off',
        '  - branches:',
        '      only: [release]',
        '    artifacts:',
        '      - path: release.zip',
      ),
      push({ branch: 'release' }),
    );
    const main = buildOf(
      yaml(
        'artifacts:',
        '  - path: everywhere.zip',
        'for:',
        '  - branches:',
        '      only: [main]',
        '    artifacts: off',
      ),
      push({ branch: 'main' }),
    );

    expect(plan.jobs[0]?.artifacts).toEqual([
      { path: 'everywhere.zip' },
      { path: 'release.zip' },
    ]);
    expect(main.jobs[0]?.artifacts).toEqual([]);
  });

  it('reads every artifacts: section of the corpus without an error', () => {
    const files = [
      'tidyverse__dplyr__appveyor.yml',
      'oneclick__rubyinstaller2__appveyor.yml',
      'google__googletest__appveyor.yml',
      'libuv__libuv__appveyor.yml',
    ];

    const artifacts = files.map((file) => buildOf(corpusText(file)).jobs[0]?.artifacts);

    expect(artifacts.map((list) => list?.length)).toEqual([6, 3, 2, 1]);
    expect(artifacts[0]?.[0]).toEqual({ path: '*.Rcheck\\**\\*.log', name: 'Logs' });
    expect(artifacts[3]).toEqual([{ path: 'libuv-*.exe', name: 'Installer' }]);
  });
});
