import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { BakehouseProps } from '../../infra/bakehouse.ts';
import { BakehouseStack } from '../../infra/bakehouse-stack.ts';

/** The Bakehouse stack with its defaults (or `props`), synthesized with bundling skipped. */
export function bakehouseStack(props: BakehouseProps = {}): {
  stack: BakehouseStack;
  template: Template;
} {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BakehouseStack(app, 'Bakehouse', { bakehouse: props });

  return { stack, template: Template.fromStack(stack) };
}

/** One statement of an IAM policy, as the template has it. */
export interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of the policies attached to a role. */
export function statementsOf(template: Template, role: IRole): Statement[] {
  const logicalId = Stack.of(role).getLogicalId(role.node.defaultChild as CfnElement);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];

  return policies
    .filter((p) => p.Properties.Roles.some((r) => r.Ref === logicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The statements of a role that allow `action`. */
export function allowing(statements: Statement[], action: string): Statement[] {
  return statements.filter((s) => [s.Action].flat().includes(action));
}

/** The role of one of the stack's Lambdas, by its entry name. */
export function lambdaRole(stack: BakehouseStack, entry: string): IRole {
  const found = stack.bakehouse.functions.functions.find((f) => f.node.id === entry);
  if (!found) throw new Error(`The stack has no ${entry} Lambda`);

  return found.role;
}

/** A Lambda's environment, by its entry name. */
export function lambdaEnvironment(
  template: Template,
  entry: string,
): Record<string, unknown> {
  const functions = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: {
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: `bakehouse-${entry}` } },
      },
    }),
  ) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
  const [fn] = functions;
  if (!fn) throw new Error(`The template has no ${entry} Lambda`);

  return fn.Properties.Environment.Variables;
}
