/**
 * The read side: what the read API and the CLI ask of the views. Views are
 * eventually consistent with the events: a build appears a moment after
 * its first event.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ImageReference } from '../events/catalogue.ts';
import type { BuildView } from './build-view.ts';
import type { ImageVersionView, ImageView } from './image-view.ts';
import { stateOf } from './projections.ts';
import {
  buildKey,
  imageKey,
  imagesPk,
  projectBuildsPk,
  projectsPk,
  provenanceKey,
  type ViewKey,
} from './view-keys.ts';

/** A project and its latest build. */
export interface ProjectSummary {
  readonly repository: string;
  readonly lastBuildId: string;
  readonly lastBuildNumber?: number;
  readonly lastStatus: BuildView['status'];
  readonly lastRequestedAt: string;
}

/** A build in its project's list: the build view without jobs and messages. */
export type BuildSummary = Omit<BuildView, 'jobs' | 'messages' | 'configErrors'>;

/** An image in the list of images. */
export interface ImageSummary {
  readonly name: string;
  readonly currentVersion?: number;
  readonly currentRef?: string;
  readonly versionCount: number;
  readonly updatedAt: string;
}

/** Where one image version came from. */
export type ImageProvenance = Omit<ImageVersionView, 'status'> & {
  readonly name: string;
};

/** An image version's provenance and the chain of parents back to a base image. */
export interface ProvenanceChain {
  readonly image: ImageProvenance;
  /** Custom parent images, nearest first. */
  readonly ancestors: readonly ImageProvenance[];
  /** The base image at the root, when the chain reaches one. */
  readonly base?: ImageReference;
}

/** Parent links followed at most; a longer chain is cut there. */
export const maxProvenanceDepth = 50;

/** Queries over the views table. */
export class ViewQueries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly viewsTable: string,
  ) {}

  /** Every project that has had a build, by repository name. */
  async listProjects(): Promise<ProjectSummary[]> {
    return this.#query<ProjectSummary>(
      { KeyConditionExpression: 'pk = :pk' },
      projectsPk,
    );
  }

  /** A project's builds, newest first. */
  async listBuilds(repository: string, limit?: number): Promise<BuildSummary[]> {
    return this.#query<BuildSummary>(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :build)',
        ExpressionAttributeValues: { ':build': 'build#' },
        ScanIndexForward: false,
      },
      projectBuildsPk(repository),
      limit,
    );
  }

  /** One build with its jobs, phases, durations and bake results. */
  async getBuild(buildId: string): Promise<BuildView | undefined> {
    return this.#get<BuildView>(buildKey(buildId));
  }

  /** Every custom image, by name. */
  async listImages(): Promise<ImageSummary[]> {
    return this.#query<ImageSummary>({ KeyConditionExpression: 'pk = :pk' }, imagesPk);
  }

  /** One image with all its versions; the name matches case-insensitively. */
  async getImage(name: string): Promise<ImageView | undefined> {
    return this.#get<ImageView>(imageKey(name));
  }

  /**
   * Where an image version came from (build, commit, parent), and its
   * parents back to a base image: one read per link.
   */
  async getProvenance(
    name: string,
    version: number,
  ): Promise<ProvenanceChain | undefined> {
    const image = await this.#get<ImageProvenance>(provenanceKey(name, version));
    if (!image) return undefined;
    const ancestors: ImageProvenance[] = [];
    let parent = image.parent;
    while (parent.version !== undefined && ancestors.length < maxProvenanceDepth) {
      const next = await this.#get<ImageProvenance>(
        provenanceKey(parent.name, parent.version),
      );
      if (!next) return { image, ancestors };
      ancestors.push(next);
      parent = next.parent;
    }

    return { image, ancestors, ...(parent.version === undefined && { base: parent }) };
  }

  async #get<T extends object>(key: ViewKey): Promise<T | undefined> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.viewsTable, Key: key }),
    );

    return answer.Item && stateOf<T>(answer.Item);
  }

  async #query<T extends object>(
    input: Omit<QueryCommandInput, 'TableName'>,
    pk: string,
    limit?: number,
  ): Promise<T[]> {
    const items: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.viewsTable,
          ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':pk': pk },
          ExclusiveStartKey: start,
          ...(limit !== undefined && { Limit: limit - items.length }),
        }),
      );
      items.push(...(page.Items ?? []).map((item) => stateOf<T>(item)));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || items.length < limit));

    return items;
  }
}
