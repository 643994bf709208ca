/**
 * The `bakehouse` commands against a deployed stack: the operator API's URL
 * from the stack's CloudFormation outputs, and requests signed with the
 * user's AWS credentials (SigV4, service `execute-api`), as API Gateway's
 * IAM authorization asks.
 */

import { Sha256 } from '@aws-crypto/sha256-js';
import {
  type CloudFormationClient,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { operatorApiOutputName } from '../shared/api/stack-output.ts';

/** Raised when a stack gives no operator API URL; the message names the stack. */
export class StackEndpointError extends Error {
  override readonly name = 'StackEndpointError';
}

/** A fetch function, as the client calls it. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** The operator API's URL from the outputs of the deployed stack `stackName`. */
export async function stackEndpoint(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<string> {
  const answer = await cloudFormation
    .send(new DescribeStacksCommand({ StackName: stackName }))
    .catch((error: Error) => {
      throw new StackEndpointError(`Stack ${stackName} cannot be read: ${error.message}`);
    });
  const outputs = (answer.Stacks?.[0]?.Outputs ?? []).filter((o) =>
    o.OutputKey?.includes(operatorApiOutputName),
  );
  const [output] = outputs;
  if (outputs.length !== 1 || !output?.OutputValue) {
    throw new StackEndpointError(
      `Stack ${stackName} has ${outputs.length} outputs named like ` +
        `${operatorApiOutputName}; a Bakehouse stack has exactly one`,
    );
  }

  return output.OutputValue.replace(/\/+$/, '');
}

/** What signing needs: whose credentials, in which region. */
export interface SigningOptions {
  readonly credentials: AwsCredentialIdentityProvider;
  readonly region: string;
  /** Where signed requests go; default the global fetch. */
  readonly fetch?: FetchFunction;
}

/** A fetch that signs each request for API Gateway's IAM authorization. */
export function signedFetch(options: SigningOptions): FetchFunction {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const send = options.fetch ?? ((url, init) => fetch(url, init));

  return async (url, init) => {
    const target = new URL(url);
    const body = typeof init.body === 'string' ? init.body : undefined;
    const signed = await signer.sign({
      method: init.method ?? 'GET',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port && { port: Number(target.port) }),
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        host: target.host,
      },
      ...(body !== undefined && { body }),
    });

    return send(url, { ...init, headers: signed.headers });
  };
}

/** A signed fetch with the credentials and region the CloudFormation client found. */
export async function stackFetch(
  cloudFormation: CloudFormationClient,
): Promise<FetchFunction> {
  return signedFetch({
    credentials: cloudFormation.config.credentials,
    region: await cloudFormation.config.region(),
  });
}
