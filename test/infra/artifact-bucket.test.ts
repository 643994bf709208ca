import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArtifactBucket } from '../../infra/artifact-bucket.ts';
import type { BakehouseStack } from '../../infra/bakehouse-stack.ts';
import { pipelineEnvNames } from '../../shared/aws/pipeline-env.ts';
import { bakehouseStack } from './stack-fixture.ts';

type Resource = { Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('the artifact bucket of the Bakehouse stack', () => {
  let stack: BakehouseStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = bakehouseStack());
  });

  /** The actions of the IAM policies attached to a role. */
  function statementsOf(role: unknown): Statement[] {
    const roleRef = JSON.stringify([stack.resolve(role)]);
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy') as Record<string, Resource>,
    ).filter((p) => JSON.stringify(p.Properties.Roles) === roleRef);

    return policies.flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
  }

  it('is private, encrypted with the stack key, and expires artifacts with the logs', () => {
    const key = stack.resolve(stack.bakehouse.key.keyArn);

    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: key,
            },
            BucketKeyEnabled: true,
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Prefix: 'artifacts/',
            ExpirationInDays: 30,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          }),
        ],
      },
    });
  });

  it('refuses every request that does not come over TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets run-phase put and the operator API get objects under artifacts/, and no one else touch S3', () => {
    const { functions, operatorApi, runners, artifacts } = stack.bakehouse;
    const runPhase = functions.functions.find((f) => f.node.id === 'run-phase');
    const objects = stack.resolve(artifacts.bucket.arnForObjects('artifacts/*'));
    const s3Of = (role: unknown) =>
      statementsOf(role)
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
        .map((s) => ({ Action: s.Action, Resource: s.Resource }));
    const others = [
      ...functions.functions.filter((f) => f !== runPhase).map((f) => f.role.roleName),
      runners.role.roleName,
    ];

    expect(s3Of(runPhase?.role.roleName)).toEqual([
      { Action: 's3:PutObject', Resource: objects },
    ]);
    expect(s3Of(operatorApi.handler.role.roleName)).toEqual([
      { Action: 's3:GetObject', Resource: objects },
    ]);
    expect(others.flatMap(s3Of)).toEqual([]);
  });

  it('names the bucket to the run-phase and operator API Lambdas only', () => {
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    );
    const named = functions.filter((f) => {
      const variables = (f.Properties.Environment as { Variables?: object } | undefined)
        ?.Variables;

      return variables && pipelineEnvNames.artifactsBucket in variables;
    });

    expect(
      named
        .map(
          (f) =>
            (f.Properties.Environment as { Variables: Record<string, string> }).Variables
              .POWERTOOLS_SERVICE_NAME,
        )
        .sort(),
    ).toEqual(['bakehouse-operator-api', 'bakehouse-run-phase']);
  });
});

describe('ArtifactBucket', () => {
  it('keeps artifacts until deleted by hand when it has no retention', () => {
    const stack = new Stack(new App(), 'Bare');
    new ArtifactBucket(stack, 'Artifacts', {
      key: new kms.Key(stack, 'Key'),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');

    const [bucket] = Object.values(buckets) as Resource[];
    expect(bucket?.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'ExpireArtifacts',
          Prefix: 'artifacts/',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        },
      ],
    });
  });
});
