/**
 * Shared by integ.http-api.ts and integ.authorizer.ts: an OidcAuthorizer that
 * trusts the TEST-ONLY key pair of `keys/`, and the caller function
 * (`handlers/call-api.ts`) that mints tokens with its private key at run time
 * and returns the status of each call to the APIs it is given.
 */
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OidcAuthorizer, TypeScriptFunction } from '../src';
import { TEST_ONLY_ISSUER, TEST_ONLY_PRIVATE_JWK, TEST_ONLY_PUBLIC_JWKS } from './keys/test-only-keys';

/** What a valid test token carries, and so what the authorizer requires. */
export interface TestTokenClaims {
  /** The audience of a valid token (the authorizer accepts only this one). */
  readonly audience: string;
  /** The scope of a valid token (the authorizer requires it). */
  readonly scope: string;
}

/**
 * The status of each call `handlers/call-api.ts` makes when the authorizer
 * works: in its key order, as the assertions compare the JSON text.
 */
export const EXPECTED_STATUSES = JSON.stringify({ noToken: 401, valid: 200, wrongAudience: 403, forged: 403, expired: 403, missingScope: 403 });

/** An OidcAuthorizer with the test issuer, the pre-seeded test JWKS, one audience and one required scope. */
export function testOnlyAuthorizer(scope: Construct, id: string, claims: TestTokenClaims): OidcAuthorizer {
  return new OidcAuthorizer(scope, id, {
    issuer: TEST_ONLY_ISSUER,
    audiences: [claims.audience],
    requiredScopes: [claims.scope],
    jwks: TEST_ONLY_PUBLIC_JWKS,
  });
}

/**
 * The caller function; `urls` maps a target name (the `target` of the invoke
 * payload, e.g. 'HTTP') to the URL it calls.
 */
export function callerFunction(scope: Construct, id: string, claims: TestTokenClaims, urls: { [target: string]: string }): TypeScriptFunction {
  const environment: { [key: string]: string } = {
    PRIVATE_JWK: TEST_ONLY_PRIVATE_JWK,
    ISSUER: TEST_ONLY_ISSUER,
    AUDIENCE: claims.audience,
    SCOPE: claims.scope,
  };
  for (const [target, url] of Object.entries(urls)) environment[`${target}_API_URL`] = url;
  return new TypeScriptFunction(scope, id, {
    entry: join(__dirname, 'handlers', 'call-api.ts'),
    timeout: Duration.minutes(1),
    environment,
  });
}
