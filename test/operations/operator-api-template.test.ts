import { describe, expect, it } from 'vitest';
import { operatorApiOutputName } from '../../shared/api/stack-output.ts';
import { bakehouseStack } from '../infra/stack-fixture.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('the operator API in the template', () => {
  const { stack, template } = bakehouseStack();
  const routes = Object.values(
    template.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>,
  ).map((r) => r.Properties);

  it('asks for IAM authorization on every route but the badge', () => {
    const byKey = Object.fromEntries(
      routes.map((r) => [r.RouteKey, r.AuthorizationType ?? 'NONE']),
    );

    expect(byKey).toEqual({
      'GET /api/{proxy+}': 'AWS_IAM',
      'POST /api/{proxy+}': 'AWS_IAM',
      'DELETE /api/{proxy+}': 'AWS_IAM',
      'GET /badge/{owner}/{repo}': 'NONE',
    });
  });

  it('gives the API URL as an output that bakehouse --stack finds', () => {
    const outputs = Object.keys(template.findOutputs('*'));

    expect(outputs.filter((key) => key.includes(operatorApiOutputName))).toHaveLength(1);
  });

  it('grants its Lambda no wildcard action', () => {
    const role = stack.resolve(stack.bakehouse.operatorApi.handler.role.roleName);
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy') as Record<string, Resource>,
    ).filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([role]));
    const actions = policies.flatMap((p) =>
      (
        p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }
      ).Statement.flatMap((s) => s.Action),
    );

    expect(actions).toContain('states:StopExecution');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('logs every request of the default stage and throttles it', () => {
    const [stage] = Object.values(
      template.findResources('AWS::ApiGatewayV2::Stage') as Record<string, Resource>,
    );

    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AccessLogSettings: { DestinationArn: expect.anything() },
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 20 },
    });
  });
});
