import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { duration } from '../bin/format.ts';
import { isEvent } from '../shared/events/catalogue.ts';
import type { StoredEvent } from '../shared/events/store.ts';
import type { BuildView } from '../shared/views/build-view.ts';
import type { Backend } from './backend.ts';
import { waitForBuild } from './build-waiter.ts';
import { LocalGitRepository } from './git-repository.ts';
import { localRepositoryFolder } from './local-repositories.ts';
import { sendPush } from './push-sender.ts';

/** One thing the scenario must show, and whether it did. */
export interface ScenarioCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** A build of the scenario: its view and its events. */
export interface ScenarioBuild {
  readonly label: string;
  readonly view: BuildView;
  readonly events: readonly StoredEvent[];
  /** From the webhook's arrival to BuildFinished, in ms. */
  readonly webhookToFinishMs: number;
}

/** What the scenario did and showed. */
export interface ScenarioResult {
  readonly checks: readonly ScenarioCheck[];
  readonly builds: Readonly<Record<string, ScenarioBuild>>;
  /** The base-image build's time over the baked-image build's. */
  readonly speedup: number;
  readonly ok: boolean;
}

/** Options of the scenario. */
export interface ScenarioOptions {
  /** Where each line for people goes. */
  readonly print: (line: string) => void;
  /** The primes table the tool image builds; its size sets the install's cost. */
  readonly primesTableLimit?: number;
  /** How long one build may take. Default 5 minutes. */
  readonly buildTimeoutMs?: number;
}

const examples = resolve(import.meta.dirname, '..', 'examples');

/**
 * AppVeyor's custom images, played against a running embedded backend:
 * prime-tools bakes the `prime-tools` image; prime-app builds on it with no
 * install; the same app from the base image must install the tool first; and
 * snapshot-app snapshots itself from a script on master, then builds on it.
 */
export async function runCustomImagesScenario(
  backend: Backend,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const { print } = options;
  const limit = options.primesTableLimit ?? 400_000_000;
  const folder = (name: string) =>
    localRepositoryFolder(backend.stateDir, `demo/${name}`);
  const build = async (label: string, repo: string, branch?: string) => {
    const answer = await sendPush(backend.url, backend.stateDir, repo, branch);
    const buildId = String(answer.body.buildId ?? '');
    if (answer.statusCode !== 202 || !buildId) {
      throw new Error(
        `${label}: the webhook answered ${answer.statusCode} ${JSON.stringify(answer.body)}`,
      );
    }
    print(`\n▶ ${label}: build ${buildId} (${answer.repository} ${answer.branch})`);
    const events = await waitForBuild(
      backend.events,
      buildId,
      options.buildTimeoutMs ?? 300_000,
    );
    await backend.idle();
    const view = await backend.queries.getBuild(buildId);
    if (!view) throw new Error(`${label}: build ${buildId} has no view`);
    const finished = events.find((e) => isEvent(e, 'BuildFinished'));
    const webhookToFinishMs =
      Date.parse(finished?.recordedAt ?? view.requestedAt) - Date.parse(view.requestedAt);
    printBuild(view, webhookToFinishMs, print);

    return { label, view, events, webhookToFinishMs };
  };

  const tableEnv = `PRIMES_TABLE_LIMIT: "${limit}"`;
  const toolsYml = (
    await readFile(join(examples, 'prime-tools', 'appveyor.yml'), 'utf8')
  ).replace('environment:\n', `environment:\n  ${tableEnv}\n`);
  const { repository: tools } = await LocalGitRepository.create(
    folder('prime-tools'),
    join(examples, 'prime-tools'),
    'Add the primes tool and its image',
  );
  await tools.change({ 'appveyor.yml': toolsYml }, 'Size the primes table');
  const bake = await build('1. bake the prime-tools image', tools.folder);

  const { repository: app } = await LocalGitRepository.create(
    folder('prime-app'),
    join(examples, 'prime-app'),
    'Count primes with the tool from the prime-tools image',
  );
  const onImage = await build('2. prime-app on the prime-tools image', app.folder);

  await app.branch('from-base');
  const appYml = await readFile(join(app.folder, 'appveyor.yml'), 'utf8');
  await app.change(
    {
      'appveyor.yml': appYml
        .replace('image: prime-tools', `image: Ubuntu2204\nenvironment:\n  ${tableEnv}`)
        .replace(
          'build_script:',
          'install:\n  - sh: bash ./install-tool.sh\nbuild_script:',
        ),
      'install-tool.sh': await readFile(
        join(examples, 'prime-tools', 'install-tool.sh'),
        'utf8',
      ),
      'src/primes.c': await readFile(
        join(examples, 'prime-tools', 'src', 'primes.c'),
        'utf8',
      ),
    },
    'The same build from the base image, installing the tool itself',
  );
  const fromBase = await build(
    '3. prime-app from the base image',
    app.folder,
    'from-base',
  );

  const { repository: snapshot } = await LocalGitRepository.create(
    folder('snapshot-app'),
    join(examples, 'snapshot-app'),
    'A project that snapshots itself on master',
  );
  const snapshotBake = await build(
    '4. snapshot-app bakes itself on master',
    snapshot.folder,
  );
  const snapshotYml = await readFile(join(snapshot.folder, 'appveyor.yml'), 'utf8');
  await snapshot.change(
    { 'appveyor.yml': snapshotYml.replace('image: Ubuntu2204', 'image: snapshot-app') },
    'Build on the project snapshot',
  );
  const onSnapshot = await build('5. snapshot-app on its own snapshot', snapshot.folder);

  const speedup = fromBase.webhookToFinishMs / Math.max(1, onImage.webhookToFinishMs);
  const installLog = await phaseLog(onSnapshot.view, 'install');
  const checks: ScenarioCheck[] = [
    check(
      'prime-tools built and baked prime-tools',
      bakedVersion(bake) === 'prime-tools',
    ),
    check(
      'prime-app succeeded on the prime-tools image',
      succeededOn(onImage, 'prime-tools'),
    ),
    check('prime-app ran no install', !ranPhase(onImage, 'install')),
    check(
      'prime-app invoked the tool from the image',
      ranPhase(onImage, 'build_script') && onImage.view.status === 'success',
    ),
    check(
      'the base-image build installed the tool and succeeded',
      ranPhase(fromBase, 'install') && fromBase.view.status === 'success',
    ),
    check(
      'snapshot-app baked itself from a script',
      bakedVersion(snapshotBake) === 'snapshot-app',
    ),
    check(
      'snapshot-app found its dependencies on its snapshot',
      succeededOn(onSnapshot, 'snapshot-app') &&
        installLog.includes('already on the image'),
    ),
  ];

  await printImages(backend, print);
  print(
    `\nSpeedup of prime-app on the baked image over the same build from the base image: ` +
      `${speedup.toFixed(1)}× (${duration(fromBase.webhookToFinishMs)} → ${duration(onImage.webhookToFinishMs)}, webhook to finish)`,
  );
  print('\nChecks:');
  for (const c of checks)
    print(`  ${c.ok ? '✔' : '✘'} ${c.name}${c.detail ? `: ${c.detail}` : ''}`);

  return {
    checks,
    builds: { bake, onImage, fromBase, snapshotBake, onSnapshot },
    speedup,
    ok: checks.every((c) => c.ok),
  };
}

function check(name: string, ok: boolean): ScenarioCheck {
  return { name, ok };
}

function bakedVersion(build: ScenarioBuild): string | undefined {
  return build.events.find((e) => isEvent(e, 'ImageBaked'))?.data.imageName as
    | string
    | undefined;
}

function succeededOn(build: ScenarioBuild, image: string): boolean {
  const launched = build.events.find((e) => isEvent(e, 'RunnerLaunched'));
  const name = (launched?.data.image as { name?: string } | undefined)?.name ?? '';

  return build.view.status === 'success' && name.toLowerCase() === image.toLowerCase();
}

function ranPhase(build: ScenarioBuild, phase: string): boolean {
  return build.events.some((e) => isEvent(e, 'PhaseStarted') && e.data.phase === phase);
}

async function phaseLog(view: BuildView, phase: string): Promise<string> {
  const pointer = view.jobs[0]?.phases.find((p) => p.phase === phase)?.logPointer;

  return pointer ? readFile(pointer, 'utf8').catch(() => '') : '';
}

function printBuild(
  view: BuildView,
  webhookToFinishMs: number,
  print: (line: string) => void,
) {
  print(
    `  ${view.status} — build ${view.number ?? '-'} version ${view.version ?? '-'}, ` +
      `${duration(webhookToFinishMs)} from webhook to finish`,
  );
  for (const job of view.jobs) {
    const image = job.runner?.image;
    const from = image
      ? `${image.name}${image.version ? ` v${image.version}` : ''}`
      : job.image;
    print(`  job ${job.jobId} ${job.name} on ${from}: ${job.status}`);
    for (const phase of job.phases) {
      const exit = phase.exitCode === undefined ? '' : `exit ${phase.exitCode}`;
      print(
        `    ${phase.phase.padEnd(14)} ${phase.status.padEnd(8)} ${duration(phase.durationMs).padStart(8)}  ${exit}`,
      );
    }
    if (job.bake) {
      print(
        `    bake: ${job.bake.status} ${job.bake.imageName ?? ''}` +
          `${job.bake.version ? ` v${job.bake.version}` : ''}${job.bake.reason ? ` (${job.bake.reason})` : ''}`,
      );
    }
  }
  for (const message of view.messages) print(`  ${message.level}: ${message.message}`);
}

async function printImages(backend: Backend, print: (line: string) => void) {
  print('\nImages:');
  for (const summary of await backend.queries.listImages()) {
    const image = await backend.queries.getImage(summary.name);
    const versions = (image?.versions ?? [])
      .map(
        (v) =>
          `v${v.version}${v.version === image?.currentVersion ? ' (current)' : ''} from ${v.repository} build ${v.buildId}`,
      )
      .join('; ');
    print(`  ${summary.name}: ${versions}`);
  }
}
