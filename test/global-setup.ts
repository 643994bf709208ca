import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { type MotoServer, startMotoServer } from './support/moto.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local shared by the integration tests. */
    ddbEndpoint: string;
    /** Endpoint of the moto_server (EC2, SSM) shared by the integration tests. */
    motoEndpoint: string;
  }
}

let dynamo: DynamoDbLocal | undefined;
let moto: MotoServer | undefined;

/** Starts the real local components once for every integration test file. */
export async function setup(project: TestProject): Promise<void> {
  dynamo = await startDynamoDbLocal();
  project.provide('ddbEndpoint', dynamo.endpoint);
  moto = await startMotoServer();
  project.provide('motoEndpoint', moto.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
  await moto?.stop();
}
