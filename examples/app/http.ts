/**
 * The example app's HTTP API: the pets API behind an HTTP API, every route
 * but `GET /` protected by an OidcAuthorizer.
 */
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { HttpApiFunction, OidcAuthorizer } from '../../src';

/**
 * A placeholder issuer and its pre-seeded public keys (JWKS), so the
 * authorizer verifies tokens from its first request with no network call.
 * Replace both with your identity provider's. (The private key of this
 * placeholder was thrown away; `npm run demo` gives the authorizer a key pair
 * of its own through `ts-lambda serve --env-file` and mints tokens with it.)
 */
const ISSUER = 'https://example.com/';
const JWKS = JSON.stringify({
  keys: [{
    kty: 'EC',
    crv: 'P-256',
    x: 'G59rkvMEIDPrFhi7xJP_H-bK3Iuk79dMQCQ9wGTHTDQ',
    y: 'N3QYP4ntHmFxzZLUCakH_JDn1Xs8mSBG-cp-ZT9vkQA',
    kid: 'example-placeholder',
    alg: 'ES256',
    use: 'sig',
  }],
});

/** Adds the pets HTTP API, protected by an OIDC authorizer, to `stack`. */
export function addHttpApi(stack: Stack): HttpApiFunction {
  const auth = new OidcAuthorizer(stack, 'PetsAuth', {
    issuer: ISSUER,
    audiences: ['pets-api'],
    requiredScopes: ['pets:read'],
    jwks: JWKS,
  });
  return new HttpApiFunction(stack, 'PetsApi', {
    entry: join(__dirname, 'handlers', 'pets-api.ts'),
    description: 'The pets API',
    routes: ['GET /', 'GET /pets', 'POST /pets', 'GET /pets/{id}'],
    authorizer: auth.httpAuthorizer,
    publicRoutes: ['GET /'],
    urlOutput: true,
  });
}
