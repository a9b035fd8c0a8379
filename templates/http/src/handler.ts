/**
 * GET /hello?name=... answers {"message": "Hello, <name>!"} as JSON.
 * Logs go through Powertools' Logger (structured JSON, with the request id).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const logger = new Logger({ serviceName: 'hello' });

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  logger.addContext(context);
  const name = event.queryStringParameters?.name ?? 'world';
  if (name.length > 100) return json(400, { message: 'name is longer than 100 characters' });
  logger.info('hello', { name, path: event.rawPath });
  return json(200, { message: `Hello, ${name}!` });
};

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
