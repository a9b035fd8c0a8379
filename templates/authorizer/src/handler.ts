/**
 * Behind OidcAuthorizer: the authorizer has checked the token, and passes the
 * caller's identity (the token's `sub`) as `principalId` in
 * `requestContext.authorizer.lambda`. GET /me answers it; GET /health is public.
 */
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What OidcAuthorizer puts in the request context. */
export interface CallerContext {
  readonly principalId: string;
  readonly [claim: string]: string | number | boolean;
}

export const handler = async (
  event: APIGatewayProxyEventV2WithLambdaAuthorizer<CallerContext | null>,
): Promise<APIGatewayProxyStructuredResultV2> => {
  if (event.rawPath === '/health') return json(200, { ok: true });
  const caller = event.requestContext.authorizer?.lambda?.principalId;
  if (!caller) return json(401, { message: 'no caller: this route needs the authorizer' });
  return json(200, { caller });
};

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
