/**
 * The view of one custom image, folded from its stream: every version, its
 * status and provenance, and which version is current.
 */
import type { ImageReference, KnownEvent } from '../events/catalogue.ts';

/** One version of an image as the view shows it. */
export interface ImageVersionView {
  readonly version: number;
  readonly ref: string;
  readonly platform: string;
  readonly buildId: string;
  readonly jobId?: string;
  readonly commit: string;
  readonly repository: string;
  readonly parent: ImageReference;
  readonly addedAt: string;
  status: 'available' | 'deprecated' | 'deleted';
}

/** An image as the view shows it. */
export interface ImageView {
  /** The name as first written. */
  readonly name: string;
  currentVersion?: number;
  versions: ImageVersionView[];
  updatedAt: string;
}

/** Applies one event of an image stream; events before the first version are ignored. */
export function applyImageEvent(
  state: ImageView | undefined,
  event: KnownEvent,
): ImageView | undefined {
  const at = event.recordedAt;
  if (event.type === 'ImageVersionAdded') {
    const { name, ...version } = event.data;
    const view = state ?? { name, versions: [], updatedAt: at };
    view.versions.push({ ...version, addedAt: at, status: 'available' });
    view.updatedAt = at;

    return view;
  }
  if (!state) return state;
  switch (event.type) {
    case 'ImageVersionMadeCurrent':
      state.currentVersion = event.data.version;
      break;
    case 'ImageRolledBack':
      state.currentVersion = event.data.toVersion;
      break;
    case 'ImageVersionDeprecated':
      setStatus(state, event.data.version, 'deprecated');
      break;
    case 'ImageVersionDeleted':
      setStatus(state, event.data.version, 'deleted');
      // A forced delete of the current version leaves none current unless
      // ImageRolledBack, which follows it, names the successor.
      if (state.currentVersion === event.data.version) delete state.currentVersion;
      break;
    default:
      return state;
  }
  state.updatedAt = at;

  return state;
}

function setStatus(
  state: ImageView,
  version: number,
  status: ImageVersionView['status'],
) {
  const view = state.versions.find((v) => v.version === version);
  if (view) view.status = status;
}
