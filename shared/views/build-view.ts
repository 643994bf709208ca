/**
 * The view of one build, folded from its stream: jobs, phases, durations and
 * bake result. `applyBuildEvent` changes the state it is given; callers fold
 * over a copy.
 */
import type {
  BuildStatus,
  ImageReference,
  JobStatus,
  KnownEvent,
  KnownEventOf,
  PhaseOutcome,
} from '../events/catalogue.ts';
import { keptText } from '../text/bytes.ts';

/** A phase of a job as the view shows it. */
export interface PhaseView {
  readonly phase: string;
  status: 'running' | PhaseOutcome;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  exitCode?: number;
  logPointer?: string;
}

/** An artifact of a job as the view shows it: where it is, never its bytes. */
export interface ArtifactView {
  readonly fileName: string;
  name?: string;
  type: string;
  size: number;
  /** The key in the artifact store. */
  key: string;
  pushedAt: string;
}

/** A job of a build as the view shows it. */
export interface JobView {
  readonly jobId: string;
  name: string;
  image: string;
  status: 'pending' | 'queued' | 'running' | JobStatus;
  allowedFailure?: boolean;
  runner?: { runnerId: string; image: ImageReference; terminatedReason?: string };
  phases: PhaseView[];
  /** Names of variables scripts set; values are never kept. */
  variables: string[];
  /** Variables set past the build view's budget: in the events, not listed. */
  variablesNotListed?: number;
  /** Artifacts the job pushed, by file name; absent until it pushes one. */
  artifacts?: ArtifactView[];
  /** Artifacts pushed past the build view's budget: stored, not listed. */
  artifactsNotListed?: number;
  bake?: {
    imageName?: string;
    status: 'baking' | 'baked' | 'failed';
    version?: number;
    ref?: string;
    parent?: ImageReference;
    reason?: string;
  };
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
}

/** A build as the view shows it. */
export interface BuildView {
  readonly buildId: string;
  readonly repository: string;
  readonly sha: string;
  readonly ref: string;
  readonly branch?: string;
  readonly tag?: string;
  readonly pullRequest?: { number: number; headBranch: string; fromFork: boolean };
  /** The first line of the commit message. */
  readonly commitTitle: string;
  readonly author: string;
  readonly requestedAt: string;
  /** The build this one builds again, for a rebuild. */
  readonly rebuildOf?: string;
  status: 'requested' | 'running' | 'skipped' | BuildStatus;
  number?: number;
  version?: string;
  configPath?: string;
  configErrors?: { message: string; line: number; column: number }[];
  skipReason?: string;
  /** Why the build ended so, when someone said (a cancelled build's reason). */
  endReason?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  jobs: JobView[];
  messages: { jobId?: string; level: string; message: string; at: string }[];
  /** Messages past the view's budget: they are in the events, not here. */
  messagesNotShown?: number;
}

/**
 * What one build's view holds, so its item stays far below DynamoDB's
 * 400 KB however much a build reports; what is past a budget stays in the
 * build's events (and its phase logs) and is counted in the view.
 */
export const buildViewBudget = {
  /** Messages per build. */
  messages: 100,
  /** UTF-8 bytes of one message; a longer one is cut, saying so. */
  messageBytes: 1024,
  /** Artifacts listed per build, all jobs together. */
  artifacts: 500,
  /** Variable names listed per job. */
  variables: 100,
  /** UTF-8 bytes of one variable name. */
  variableNameBytes: 128,
} as const;

/** Applies one event of a build stream; events before BuildRequested are ignored. */
export function applyBuildEvent(
  state: BuildView | undefined,
  event: KnownEvent,
): BuildView | undefined {
  if (event.type === 'BuildRequested') return requested(event.data);
  if (!state) return state;
  const at = event.recordedAt;
  switch (event.type) {
    case 'ConfigLoaded':
      state.configPath = event.data.configPath;
      for (const { jobId, name, image } of event.data.jobs) {
        Object.assign(job(state, jobId), { name, image });
      }
      break;
    case 'ConfigRejected':
      state.configErrors = [...event.data.errors];
      state.status = 'failed';
      break;
    case 'BuildSkipped':
      Object.assign(state, { status: 'skipped', skipReason: event.data.reason });
      break;
    case 'BuildStarted':
      Object.assign(state, { status: 'running', startedAt: at, ...event.data });
      break;
    case 'JobQueued':
      job(state, event.data.jobId).status = 'queued';
      break;
    case 'RunnerLaunched': {
      const { jobId, runnerId, image } = event.data;
      Object.assign(job(state, jobId), { status: 'running', startedAt: at });
      job(state, jobId).runner = { runnerId, image };
      break;
    }
    case 'PhaseStarted':
      job(state, event.data.jobId).phases.push({
        phase: event.data.phase,
        status: 'running',
        startedAt: at,
      });
      break;
    case 'PhaseFinished': {
      const { jobId, phase, outcome, ...rest } = event.data;
      const phases = job(state, jobId).phases;
      const started = phases.findLast((p) => p.phase === phase && p.status === 'running');
      const view = started ?? { phase, status: outcome, startedAt: at };
      if (!started) phases.push(view);
      Object.assign(view, { status: outcome, finishedAt: at, ...rest });
      break;
    }
    case 'VariableSet': {
      const jobView = job(state, event.data.jobId);
      const { variables } = jobView;
      const name = keptText(event.data.name, buildViewBudget.variableNameBytes);
      if (variables.includes(name)) break;
      if (variables.length < buildViewBudget.variables) variables.push(name);
      else jobView.variablesNotListed = (jobView.variablesNotListed ?? 0) + 1;
      break;
    }
    case 'ArtifactPushed':
      pushArtifact(state, job(state, event.data.jobId), event.data, at);
      break;
    case 'MessageAdded': {
      if (state.messages.length >= buildViewBudget.messages) {
        state.messagesNotShown = (state.messagesNotShown ?? 0) + 1;
        break;
      }
      const message = keptText(event.data.message, buildViewBudget.messageBytes);
      state.messages.push({ ...event.data, message, at });
      break;
    }
    case 'BakeStarted':
      job(state, event.data.jobId).bake = {
        imageName: event.data.imageName,
        status: 'baking',
      };
      break;
    case 'ImageBaked': {
      const { jobId, imageName, version, ref, parent } = event.data;
      job(state, jobId).bake = { imageName, status: 'baked', version, ref, parent };
      break;
    }
    case 'BakeFailed': {
      const view = job(state, event.data.jobId);
      const imageName = event.data.imageName ?? view.bake?.imageName;
      view.bake = { imageName, status: 'failed', reason: event.data.reason };
      break;
    }
    case 'RunnerTerminated': {
      const runner = job(state, event.data.jobId).runner;
      if (runner) runner.terminatedReason = event.data.reason;
      break;
    }
    case 'JobFinished': {
      const view = job(state, event.data.jobId);
      // A phase still open when its job ended was stopped with it.
      for (const phase of view.phases.filter((p) => p.status === 'running')) {
        Object.assign(phase, { status: 'cancelled', finishedAt: at });
      }
      Object.assign(view, {
        status: event.data.status,
        allowedFailure: event.data.allowedFailure,
        finishedAt: at,
        durationMs: elapsed(view.startedAt, at),
      });
      break;
    }
    case 'BuildFinished':
      Object.assign(state, {
        status: event.data.status,
        finishedAt: at,
        durationMs: elapsed(state.startedAt ?? state.requestedAt, at),
        ...(event.data.reason !== undefined && { endReason: event.data.reason }),
      });
      break;
  }

  return state;
}

function requested(data: KnownEventOf<'BuildRequested'>['data']): BuildView {
  return {
    buildId: data.buildId,
    repository: data.repository,
    sha: data.sha,
    ref: data.ref,
    ...(data.branch !== undefined && { branch: data.branch }),
    ...(data.tag !== undefined && { tag: data.tag }),
    ...(data.pullRequest && {
      pullRequest: {
        number: data.pullRequest.number,
        headBranch: data.pullRequest.headBranch,
        fromFork: data.pullRequest.fromFork,
      },
    }),
    commitTitle: (data.commit.message.split('\n')[0] ?? '').slice(0, 200),
    author: data.commit.author.name,
    requestedAt: data.requestedAt,
    ...(data.rebuildOf !== undefined && { rebuildOf: data.rebuildOf }),
    status: 'requested',
    jobs: [],
    messages: [],
  };
}

function job(state: BuildView, jobId: string): JobView {
  let view = state.jobs.find((j) => j.jobId === jobId);
  if (!view) {
    view = {
      jobId,
      name: jobId,
      image: '',
      status: 'pending',
      phases: [],
      variables: [],
    };
    state.jobs.push(view);
  }

  return view;
}

/**
 * Adds an artifact to the job; a push of a file name already there replaces
 * it. Past the build's budget a new file name is counted, not listed.
 */
function pushArtifact(
  build: BuildView,
  view: JobView,
  data: KnownEventOf<'ArtifactPushed'>['data'],
  pushedAt: string,
): void {
  const { fileName, name, type, size, key } = data;
  const artifact: ArtifactView = {
    fileName,
    ...(name !== undefined && { name }),
    type,
    size,
    key,
    pushedAt,
  };
  view.artifacts ??= [];
  const artifacts = view.artifacts;
  const index = artifacts.findIndex((a) => a.fileName === fileName);
  if (index >= 0) {
    artifacts[index] = artifact;
    return;
  }
  const listed = build.jobs.reduce((sum, j) => sum + (j.artifacts?.length ?? 0), 0);
  if (listed < buildViewBudget.artifacts) artifacts.push(artifact);
  else view.artifactsNotListed = (view.artifactsNotListed ?? 0) + 1;
}

function elapsed(from: string | undefined, to: string): number | undefined {
  return from === undefined ? undefined : Date.parse(to) - Date.parse(from);
}
