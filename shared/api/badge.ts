/**
 * The build badge: `GET /badge/{owner}/{repo}(.svg)?branch=B`, an SVG of the
 * last finished build of a branch, `passing`, `failing` or `unknown`. It is
 * the one public route, so it answers the same for a project that does not
 * exist as for one with no finished build, and shows nothing but the word.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { BuildSummary, ViewQueries } from '../views/queries.ts';
import { pathOf } from './read-api.ts';
import { PathRouter } from './router.ts';

/** What a badge says. */
export type BadgeStatus = 'passing' | 'failing' | 'unknown';

/** What the badge reads. */
export interface BadgeDeps {
  readonly views: Pick<ViewQueries, 'listBuilds'>;
  /** Where unexpected failures are reported; default: console.error. */
  readonly log?: { error(message: string, attributes: Record<string, unknown>): void };
}

/** The builds of a project a badge looks through, newest first. */
export const badgeBuildsRead = 100;

const verdicts: Readonly<Record<string, BadgeStatus>> = {
  success: 'passing',
  failed: 'failing',
  error: 'failing',
};

const repositoryPart = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * The status of a branch's last finished build among the project's latest
 * {@link badgeBuildsRead}: pull-request builds, cancelled, interrupted and
 * skipped ones tell nothing about the branch and are passed over. Without a
 * branch, the last finished branch or tag build counts.
 */
export async function badgeStatus(
  repository: string,
  branch: string | undefined,
  views: BadgeDeps['views'],
): Promise<BadgeStatus> {
  const builds = await views.listBuilds(repository, badgeBuildsRead);
  const counted = (b: BuildSummary) =>
    !b.pullRequest && (branch === undefined || b.branch === branch);
  const last = builds.find((b) => counted(b) && verdicts[b.status] !== undefined);

  return last ? (verdicts[last.status] ?? 'unknown') : 'unknown';
}

/** The badge's handler; every answer is an SVG, errors included. */
export function badgeHandler(deps: BadgeDeps) {
  const router = new PathRouter([{ path: '/badge/{owner}/{repo}', answer: true }]);

  return async (
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = router.match(pathOf(event));
    const owner = route?.parameters.owner ?? '';
    const repo = (route?.parameters.repo ?? '').replace(/\.svg$/, '');
    const branch = new URLSearchParams(event.rawQueryString ?? '').get('branch');
    if (!repositoryPart.test(owner) || !repositoryPart.test(repo)) {
      return svgAnswer('unknown');
    }

    try {
      const status = await badgeStatus(
        `${owner}/${repo}`,
        branch || undefined,
        deps.views,
      );

      return svgAnswer(status);
    } catch (error) {
      (deps.log ?? console).error('badge not read', { owner, repo, error });

      return svgAnswer('unknown');
    }
  };
}

const colours: Readonly<Record<BadgeStatus, string>> = {
  passing: '#4c1',
  failing: '#e05d44',
  unknown: '#9f9f9f',
};

/** The badge image: `build` on the left, the status on the right. */
export function badgeSvg(status: BadgeStatus): string {
  const label = 'build';
  // Verdana 11px averages about 7 px a character; 10 px of padding each side.
  const left = label.length * 7 + 10;
  const right = status.length * 7 + 10;
  const width = left + right;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20"`,
    ` role="img" aria-label="${label}: ${status}">`,
    `<title>${label}: ${status}</title>`,
    `<rect width="${left}" height="20" fill="#555"/>`,
    `<rect x="${left}" width="${right}" height="20" fill="${colours[status]}"/>`,
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,sans-serif" font-size="11">',
    `<text x="${left / 2}" y="14">${label}</text>`,
    `<text x="${left + right / 2}" y="14">${status}</text>`,
    '</g></svg>',
  ].join('');
}

function svgAnswer(status: BadgeStatus): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'image/svg+xml; charset=utf-8',
      // Short: a badge should follow builds, and GitHub's image proxy honours it.
      'cache-control': 'max-age=60, s-maxage=60',
    },
    body: badgeSvg(status),
  };
}
