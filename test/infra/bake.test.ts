import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageRetry } from '../../infra/bake-states.ts';
import { synthesizeDefinition, synthesizeTemplate } from '../../infra/definition.ts';
import { bakehouseStack } from './stack-fixture.ts';

type State = Record<string, unknown>;
type Retry = {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  MaxAttempts: number;
};
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, unknown> };

/** The states inside the Map, where the bake runs. */
function jobStates(asl: Record<string, unknown>): Record<string, State> {
  const states = asl.States as Record<string, { ItemProcessor?: { States: object } }>;

  return (states.RunJobs?.ItemProcessor?.States ?? {}) as Record<string, State>;
}

/** The sum of the pauses a Retry makes before it gives up. */
function retryWait(retry: Retry): number {
  let total = 0;
  for (let attempt = 0; attempt < retry.MaxAttempts; attempt++) {
    const pause = retry.IntervalSeconds * retry.BackoffRate ** attempt;
    total += Math.min(pause, retry.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
  }

  return total;
}

/** Every IAM statement of the template, with the role's policy name. */
function statements(template: Template): { policy: string; statement: Statement }[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;

  return Object.entries(policies).flatMap(([policy, resource]) => {
    const document = resource.Properties.PolicyDocument as { Statement: Statement[] };

    return document.Statement.map((statement) => ({ policy, statement }));
  });
}

const actionsOf = (s: Statement) => [s.Action].flat();

describe('the bake on AWS', () => {
  let template: Template;
  let states: Record<string, State>;
  beforeAll(() => {
    template = bakehouseStack().template;
    states = jobStates(synthesizeDefinition());
  });

  it("waits for the AMI with AwaitImage's Retry, up to the bake timeout of an hour", () => {
    const retries = states.AwaitImage?.Retry as Retry[];
    const pending = retries.find((r) => r.ErrorEquals.includes('ImagePendingError'));
    const last = pending ? Math.min(pending.IntervalSeconds * 1.5 ** 40, 120) : 0;

    expect(pending).toMatchObject({ IntervalSeconds: 30, BackoffRate: 1.5 });
    expect(pending?.MaxDelaySeconds).toBe(120);
    expect(retryWait(pending as Retry)).toBeGreaterThanOrEqual(3600);
    expect(retryWait(pending as Retry) - last).toBeLessThan(3600);
  });

  it('makes the Retry as long as a bake timeout an operator sets', () => {
    const short = imageRetry(Duration.minutes(10));
    const long = imageRetry(Duration.hours(3));
    const asRetry = (r: typeof short): Retry => ({
      ErrorEquals: [],
      IntervalSeconds: r.interval.toSeconds(),
      BackoffRate: r.backoffRate,
      MaxDelaySeconds: r.maxDelay.toSeconds(),
      MaxAttempts: r.maxAttempts,
    });

    expect(retryWait(asRetry(short))).toBeGreaterThanOrEqual(600);
    expect(retryWait(asRetry(short))).toBeLessThan(600 + 120);
    expect(retryWait(asRetry(long))).toBeGreaterThanOrEqual(3 * 3600);
    expect(retryWait(asRetry(long))).toBeLessThan(3 * 3600 + 120);
  });

  it('registers, then applies retention, whose failure goes on to TerminateRunner', () => {
    const catches = states.ApplyRetention?.Catch as {
      ErrorEquals: string[];
      Next: string;
    }[];

    expect(states.RegisterImage?.Next).toBe('ApplyRetention');
    expect(catches).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'TerminateRunner' }),
    ]);
    expect(states.RegisterImage?.Retry).toContainEqual(
      expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }),
    );
  });

  it("ends every bake Lambda's invocation before its state and API Gateway give up", () => {
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    );
    const service = (fn: Resource) =>
      (fn.Properties.Environment as { Variables: Record<string, string> }).Variables
        .POWERTOOLS_SERVICE_NAME;
    const bakers = functions.filter((fn) =>
      [
        'create-image',
        'await-image',
        'register-image',
        'apply-retention',
        'record-bake-failed',
        'terminate-build-runners',
        'operator-api',
      ].some((entry) => service(fn) === `bakehouse-${entry}`),
    );
    const taskTimeouts = [
      'CreateImage',
      'AwaitImage',
      'RegisterImage',
      'ApplyRetention',
    ].map((name) => states[name]?.TimeoutSeconds as number);

    expect(bakers).toHaveLength(7);
    for (const fn of bakers) expect(fn.Properties.Timeout).toBe(30);
    for (const seconds of taskTimeouts) expect(seconds).toBeGreaterThan(30);
  });

  it("tags and deletes images and snapshots only with this installation's tag", () => {
    const touching = statements(template).filter(({ statement }) =>
      actionsOf(statement).some((a) =>
        ['ec2:DeregisterImage', 'ec2:DeleteSnapshot'].includes(a),
      ),
    );
    const tagging = statements(template).filter(
      ({ statement }) =>
        actionsOf(statement).includes('ec2:CreateTags') &&
        JSON.stringify(statement.Resource).includes(':image/*'),
    );
    const installation = {
      StringEquals: { 'aws:ResourceTag/bakehouse:installation': 'Bakehouse' },
    };
    const atCreation = { StringEquals: { 'ec2:CreateAction': 'CreateImage' } };

    expect(touching.length).toBeGreaterThanOrEqual(7);
    for (const { statement } of touching)
      expect(statement.Condition).toEqual(installation);
    expect(tagging.length).toBeGreaterThanOrEqual(6);
    for (const { statement } of tagging) {
      expect([installation, atCreation]).toContainEqual(statement.Condition);
    }
    expect(tagging.map((t) => t.statement.Condition)).toContainEqual(atCreation);
  });

  it('gives the bake Lambdas the stack key and the versions retention keeps', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          KEEP_IMAGE_VERSIONS: '3',
          RUNNER_KMS_KEY_ARN: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^BakehouseKey'), 'Arn'],
          },
          POWERTOOLS_SERVICE_NAME: 'bakehouse-apply-retention',
        }),
      },
    });
  });

  it("passes the operator's retention and bake timeout through to the Lambdas and the Retry", () => {
    const props = { keepImageVersions: 5, bakeTimeout: Duration.minutes(10) };

    const lambdas = Object.values(synthesizeTemplate(props).Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    ) as Resource[];
    const retries = jobStates(synthesizeDefinition(props)).AwaitImage?.Retry as Retry[];

    const retention = lambdas.find((fn) =>
      JSON.stringify(fn.Properties).includes('bakehouse-apply-retention'),
    );
    expect(JSON.stringify(retention?.Properties)).toContain('"KEEP_IMAGE_VERSIONS":"5"');
    expect(retries).toContainEqual(
      expect.objectContaining({
        ErrorEquals: ['ImagePendingError'],
        MaxAttempts: imageRetry(Duration.minutes(10)).maxAttempts,
      }),
    );
  });
});
