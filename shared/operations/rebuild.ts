import { buildStream, newEvent } from '../events/catalogue.ts';
import { newBuildId } from '../intake/build-id.ts';
import { executionInput } from '../intake/request-build.ts';
import type { BuildCommandDeps } from './deps.ts';
import { readExistingBuild } from './read-build.ts';

/** What a rebuild started. */
export interface RebuildOutcome {
  /** The new build's id. */
  readonly buildId: string;
  readonly rebuildOf: string;
}

type Deps = Pick<
  BuildCommandDeps,
  'events' | 'orchestrator' | 'log' | 'newBuildId' | 'now'
>;

/**
 * Builds a build's commit again: a new build id, a BuildRequested that
 * copies the first build's trigger (commit, ref, pull request, delivery id)
 * with `rebuildOf`, and its execution started. Each call starts a new build.
 */
export async function rebuild(buildId: string, deps: Deps): Promise<RebuildOutcome> {
  const build = await readExistingBuild(deps.events, buildId);
  const {
    buildId: _first,
    requestedAt: _at,
    rebuildOf: _of,
    ...trigger
  } = build.requested;
  const id = (deps.newBuildId ?? newBuildId)();
  const requestedAt = (deps.now?.() ?? new Date()).toISOString();
  await deps.events.commit({
    appends: [
      {
        streamId: buildStream(id),
        expectedVersion: 0,
        events: [
          newEvent('BuildRequested', {
            ...trigger,
            buildId: id,
            requestedAt,
            rebuildOf: buildId,
          }),
        ],
      },
    ],
  });
  await deps.orchestrator.startBuild(id, executionInput(id, trigger, trigger.deliveryId));
  deps.log.info('build requested again', {
    buildId: id,
    rebuildOf: buildId,
    deliveryId: trigger.deliveryId,
  });

  return { buildId: id, rebuildOf: buildId };
}
