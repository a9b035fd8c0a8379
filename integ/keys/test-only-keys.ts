/**
 * TEST-ONLY key pair of the integ tests (see README.md here): a committed,
 * therefore public, private key. Never import this outside `integ/`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The issuer of the test tokens: a `.invalid` host, so no discovery or JWKS fetch can ever succeed. */
export const TEST_ONLY_ISSUER = 'https://integ.cdk-ts-lambda.invalid/';

/** The public JWKS (JSON text) to pre-seed in an OidcAuthorizer's `jwks` prop. */
export const TEST_ONLY_PUBLIC_JWKS = JSON.stringify(JSON.parse(readFileSync(join(__dirname, 'test-only-public.jwks.json'), 'utf8')));

/** The private JWK (JSON text) the caller function signs tokens with. */
export const TEST_ONLY_PRIVATE_JWK = JSON.stringify(JSON.parse(readFileSync(join(__dirname, 'test-only-private.jwk.json'), 'utf8')));
