/**
 * An HTTP API (payload 2.0, simple responses) Lambda authorizer written with
 * aws-jwt-verify as its README shows: a verifier made at module scope
 * (issuer, audience, JWKS URI), `await verifier.verify(token)` per request,
 * the JWKS fetched on first use and cached. bench/authorizer-cold.ts bundles
 * it with TypeScriptFunction, as a team would deploy it.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';

const verifier = JwtVerifier.create({
  issuer: process.env.ISSUER!,
  audience: process.env.AUDIENCE!,
  jwksUri: process.env.JWKS_URI!,
});

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<{ sub: string }>> => {
  const token = (event.identitySource?.[0] ?? '').replace(/^Bearer /i, '');
  try {
    const payload = await verifier.verify(token);
    return { isAuthorized: true, context: { sub: String(payload.sub) } };
  } catch {
    return { isAuthorized: false, context: { sub: '' } };
  }
};
