/**
 * The HTTP API handler of the example apps (payload 2.0): answers with the
 * route it was called on and, behind the OidcAuthorizer, the context the
 * authorizer gave the request (the caller's principal id and claims).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const authorizer = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> | null } }).authorizer;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      route: event.routeKey,
      method: event.requestContext.http.method,
      path: event.rawPath,
      authorizer: authorizer?.lambda ?? null,
    }),
  };
};
