import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BakehouseStack } from '../../infra/bakehouse-stack.ts';
import { kmsEncryptionContext } from '../../shared/secrets/on-runner.ts';
import {
  allowing,
  bakehouseStack,
  lambdaEnvironment,
  lambdaRole,
  statementsOf,
} from './stack-fixture.ts';

describe('the least privilege of runners and of the Lambdas that drive them', () => {
  let stack: BakehouseStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = bakehouseStack());
  });

  it('lets the launcher tag only what its RunInstances creates, never a resource that exists', () => {
    const statements = statementsOf(template, lambdaRole(stack, 'launch-runner'));

    const tagging = allowing(statements, 'ec2:CreateTags');
    expect(tagging).toHaveLength(1);
    expect(tagging[0]?.Condition).toEqual({
      StringEquals: {
        'aws:RequestTag/bakehouse:installation': 'Bakehouse',
        'ec2:CreateAction': 'RunInstances',
      },
    });
  });

  it('lets the launcher create key grants only for AWS resources (the root volume)', () => {
    const statements = statementsOf(template, lambdaRole(stack, 'launch-runner'));

    const granting = allowing(statements, 'kms:CreateGrant');
    expect(granting).toHaveLength(1);
    expect(granting[0]?.Condition).toEqual({
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
  });

  it("lets a phase move only the expiry tag, and only on this installation's runners", () => {
    const statements = statementsOf(template, lambdaRole(stack, 'run-phase'));

    expect(allowing(statements, 'ec2:CreateTags')).toEqual([
      expect.objectContaining({
        Condition: {
          StringEquals: { 'aws:ResourceTag/bakehouse:installation': 'Bakehouse' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['bakehouse:expires-at'] },
        },
      }),
    ]);
  });

  it('lets runners decrypt only values under the context `bakehouse encrypt` writes', () => {
    const statements = statementsOf(template, stack.bakehouse.runners.role);

    const decrypting = allowing(statements, 'kms:Decrypt');
    expect(decrypting).toHaveLength(1);
    expect(decrypting[0]?.Condition).toEqual({
      StringEquals: { 'kms:EncryptionContext:purpose': kmsEncryptionContext.purpose },
    });
  });

  it('gives runners of pull requests from forks a profile that cannot decrypt at all', () => {
    const forkRole = stack.bakehouse.runners.forkRole;

    const actions = statementsOf(template, forkRole).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(actions.sort()).toEqual([
      'logs:CreateLogStream',
      'logs:DescribeLogGroups',
      'logs:DescribeLogStreams',
      'logs:PutLogEvents',
    ]);
    const env = lambdaEnvironment(template, 'launch-runner');
    expect(env.RUNNER_FORK_INSTANCE_PROFILE_ARN).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/RunnersForkInstanceProfile/), 'Arn'],
    });
    const passing = allowing(
      statementsOf(template, lambdaRole(stack, 'launch-runner')),
      'iam:PassRole',
    );
    expect(JSON.stringify(passing)).toMatch(/RunnersForkRole/);
  });

  it('wakes the lost-runner Lambda only for the states that mean a runner is gone', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['shutting-down', 'terminated', 'stopping', 'stopped'] },
      },
    });
  });
});

describe('the image catalog and bake settings reaching their Lambdas', () => {
  const pipelineArn =
    'arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/build-box';
  let stack: BakehouseStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = bakehouseStack({
      baseImages: [
        {
          name: 'BuildBox',
          platform: 'linux',
          source: { kind: 'image-builder', pipelineArn },
        },
      ],
      allowSameRepositoryPullRequestBakes: true,
    }));
  });

  it("lets resolve-image list the images of the catalog's pipelines, and of no other", () => {
    const statements = statementsOf(template, lambdaRole(stack, 'resolve-image'));

    expect(allowing(statements, 'imagebuilder:ListImagePipelineImages')).toEqual([
      expect.objectContaining({ Resource: pipelineArn }),
    ]);
  });

  it('grants no Image Builder access when the catalog names no pipeline', () => {
    const defaults = bakehouseStack();

    const statements = statementsOf(
      defaults.template,
      lambdaRole(defaults.stack, 'resolve-image'),
    );
    expect(allowing(statements, 'imagebuilder:ListImagePipelineImages')).toEqual([]);
  });

  it("gives load-config the operator's catalog, whose platforms the plan uses", () => {
    const env = lambdaEnvironment(template, 'load-config');

    expect(JSON.parse(String(env.BASE_IMAGES))).toEqual([
      expect.objectContaining({ name: 'BuildBox', platform: 'linux' }),
    ]);
  });

  it('gives decide-bake the setting on same-repository pull-request bakes', () => {
    const allowingEnv = lambdaEnvironment(template, 'decide-bake');
    const defaultEnv = lambdaEnvironment(bakehouseStack().template, 'decide-bake');

    expect(allowingEnv.ALLOW_SAME_REPOSITORY_PULL_REQUEST_BAKES).toBe('true');
    expect(defaultEnv.ALLOW_SAME_REPOSITORY_PULL_REQUEST_BAKES).toBe('false');
  });
});
