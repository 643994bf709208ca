import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { localCredentials } from '../local/dynamodb-local.ts';

describe('DynamoDB Local launcher', () => {
  it('serves the endpoint the global setup provides', async () => {
    const client = new DynamoDBClient({
      endpoint: inject('ddbEndpoint'),
      region: 'us-east-1',
      credentials: localCredentials,
    });

    const answer = await client.send(new ListTablesCommand({}));

    expect(Array.isArray(answer.TableNames)).toBe(true);
    client.destroy();
  });
});
