/**
 * The CDK app: `npm run synth` (offline, no credentials needed) and
 * `cdk deploy`. With CDK_NAG=1 the AwsSolutions checks run as a validation
 * plugin and fail the synth on any unacknowledged finding.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BakehouseStack } from './bakehouse-stack.ts';

const app = new App();
new BakehouseStack(app, 'Bakehouse', {
  description:
    'Bakehouse: AppVeyor-style CI on EC2 runners, with images baked from builds',
});
if (process.env.CDK_NAG === '1')
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
