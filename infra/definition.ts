import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stateMachineAsl, type TemplateJson } from '../local/asl.ts';
import type { BakehouseProps } from './bakehouse.ts';
import { BakehouseStack } from './bakehouse-stack.ts';

/**
 * Builds the Bakehouse stack in-process with bundling skipped and returns the
 * state machine's runnable ASL (intrinsics resolved to placeholders): the
 * very definition AWS runs, for the local orchestrator and the tests.
 */
export function synthesizeDefinition(
  props: BakehouseProps = {},
): Record<string, unknown> {
  return stateMachineAsl(synthesizeTemplate(props));
}

/** The stack's CloudFormation template, synthesized in-process with bundling skipped. */
export function synthesizeTemplate(props: BakehouseProps = {}): TemplateJson {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BakehouseStack(app, 'Bakehouse', { bakehouse: props });

  return Template.fromStack(stack).toJSON() as TemplateJson;
}
