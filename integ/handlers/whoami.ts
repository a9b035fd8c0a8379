/**
 * Integ handler: the function behind the protected HTTP API; answers 200
 * with the principal the authorizer put in the request context.
 */
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const handler = async (
  event: APIGatewayProxyEventV2WithLambdaAuthorizer<{ principalId?: string }>,
): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ principalId: event.requestContext.authorizer?.lambda?.principalId ?? null }),
});
