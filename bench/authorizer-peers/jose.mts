/**
 * An HTTP API (payload 2.0, simple responses) Lambda authorizer written with
 * jose as its README shows: `createRemoteJWKSet` at module scope,
 * `jwtVerify(token, JWKS, { issuer, audience })` per request, the JWKS
 * fetched on first use and cached (an ES module: jose is ESM-only).
 * bench/authorizer-cold.ts bundles it with TypeScriptFunction, as a team
 * would deploy it.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';

const jwks = createRemoteJWKSet(new URL(process.env.JWKS_URI!));

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<{ sub: string }>> => {
  const token = (event.identitySource?.[0] ?? '').replace(/^Bearer /i, '');
  try {
    const { payload } = await jwtVerify(token, jwks, { issuer: process.env.ISSUER!, audience: process.env.AUDIENCE! });
    return { isAuthorized: true, context: { sub: String(payload.sub) } };
  } catch {
    return { isAuthorized: false, context: { sub: '' } };
  }
};
