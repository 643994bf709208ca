import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Bakehouse, type BakehouseProps } from './bakehouse.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';

/** Options of {@link BakehouseStack}: the stack's and the construct's. */
export interface BakehouseStackProps extends StackProps {
  /** The construct's options. Default: every default of {@link BakehouseProps}. */
  readonly bakehouse?: BakehouseProps;
}

/** The stack operators deploy: one Bakehouse and the outputs they need. */
export class BakehouseStack extends Stack {
  readonly bakehouse: Bakehouse;

  constructor(scope: Construct, id: string, props: BakehouseStackProps = {}) {
    super(scope, id, props);
    this.bakehouse = new Bakehouse(this, 'Bakehouse', props.bakehouse);
    acknowledgeNagFindings(this.bakehouse);

    new CfnOutput(this, 'WebhookUrl', {
      description: 'The payload URL of the GitHub webhook',
      value: this.bakehouse.webhookUrl.url,
    });
    new CfnOutput(this, 'StateMachineArn', {
      description: 'The build state machine; executions are named after build ids',
      value: this.bakehouse.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'WebhookSecretName', {
      description: "The secret to put the GitHub webhook's secret in",
      value: this.bakehouse.webhookSecret.secretName,
    });
    new CfnOutput(this, 'GitHubTokenSecretName', {
      description: 'The secret to put a GitHub token in (contents read, statuses write)',
      value: this.bakehouse.githubToken.secretName,
    });
  }
}
