import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BakehouseStack } from '../../infra/bakehouse-stack.ts';

/** The Bakehouse stack with its defaults, synthesized with bundling skipped. */
export function bakehouseStack(): { stack: BakehouseStack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BakehouseStack(app, 'Bakehouse');

  return { stack, template: Template.fromStack(stack) };
}
