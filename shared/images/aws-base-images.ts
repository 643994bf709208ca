import {
  type ImagebuilderClient,
  type ImageSummary,
  ListImagePipelineImagesCommand,
} from '@aws-sdk/client-imagebuilder';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { BaseImageUnavailableError } from './errors.ts';
import type { BaseImageResolver, BaseImageSource } from './ports.ts';

/** Options of the AWS base image resolver. */
export interface AwsBaseImagesOptions {
  readonly ssm: SSMClient;
  readonly imageBuilder: ImagebuilderClient;
  /** The region runners start in; a pipeline's AMI for this region is chosen. */
  readonly region: string;
}

/**
 * Resolves base images on AWS: an SSM parameter (Canonical's and Amazon's
 * public ones included) to the AMI id it holds, an Image Builder pipeline to
 * the AMI of its newest available output image in the runners' region.
 */
export class AwsBaseImages implements BaseImageResolver {
  constructor(private readonly options: AwsBaseImagesOptions) {}

  async resolve(source: BaseImageSource): Promise<string> {
    switch (source.kind) {
      case 'ami':
        return source.imageId;
      case 'ssm':
        return this.fromParameter(source.parameter);
      case 'image-builder':
        return this.fromPipeline(source.pipelineArn);
    }
  }

  private async fromParameter(name: string): Promise<string> {
    const answer = await this.options.ssm.send(new GetParameterCommand({ Name: name }));
    const value = answer.Parameter?.Value;
    if (!value)
      throw new BaseImageUnavailableError(`SSM parameter ${name} holds no AMI id`);

    return value;
  }

  private async fromPipeline(pipelineArn: string): Promise<string> {
    const available: ImageSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.options.imageBuilder.send(
        new ListImagePipelineImagesCommand({ imagePipelineArn: pipelineArn, nextToken }),
      );
      for (const image of page.imageSummaryList ?? []) {
        if (image.state?.status === 'AVAILABLE') available.push(image);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    const newestFirst = available.sort((a, b) =>
      (b.dateCreated ?? '').localeCompare(a.dateCreated ?? ''),
    );
    for (const image of newestFirst) {
      const amis = image.outputResources?.amis ?? [];
      const ami = amis.find((a) => a.region === this.options.region)?.image;
      if (ami) return ami;
    }
    throw new BaseImageUnavailableError(
      `Image Builder pipeline ${pipelineArn} has no available image ` +
        `with an AMI in ${this.options.region}`,
    );
  }
}
