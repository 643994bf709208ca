import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const functionsFolder = path.resolve(import.meta.dirname, '..', 'functions');

/** Options of one Bakehouse Lambda. */
export interface BakehouseFunctionProps {
  /** The entry file under functions/, without `.ts`. */
  readonly entry: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  /** Default 30 seconds. */
  readonly timeout?: Duration;
  /** Default 512 MB. */
  readonly memorySize?: number;
}

/**
 * One Lambda of Bakehouse: Node.js 24 on arm64, bundled locally by esbuild as
 * CommonJS, with its own role and log group so that it holds no managed
 * policy and writes only its own logs.
 */
export class BakehouseFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BakehouseFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Bakehouse ${props.entry} Lambda`,
    });
    logGroup.grantWrite(this.role);
    this.logGroup = logGroup;

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(functionsFolder, `${props.entry}.ts`),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: `bakehouse-${props.entry}`,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        target: 'node24',
        minify: true,
        sourceMap: true,
      },
    });
  }
}
