/** The table names of the embedded mode, in its state folder's DynamoDB Local. */
export const localTables = {
  events: 'bakehouse-events',
  views: 'bakehouse-views',
  pipeline: 'bakehouse-pipeline',
} as const;

/** Where the embedded mode keeps DynamoDB Local's files in its state folder. */
export const dynamoDbFolder = 'dynamodb';
