/**
 * Integ handler (shared by integ.http-api.ts and integ.authorizer.ts): calls
 * an API protected by an OidcAuthorizer with tokens minted here, at run time,
 * and returns the HTTP status of each call.
 *
 * Tokens are ES256 JWTs signed with the TEST-ONLY private key of
 * `integ/keys/` (passed in PRIVATE_JWK; it is public, being committed): the
 * authorizer trusts its public half through the pre-seeded `jwks`. Minting at
 * run time keeps tokens and timestamps out of the synthesized templates.
 *
 * Event: `{ "target": "HTTP" | "REST" }` picks the URL in `<target>_API_URL`.
 * Environment: PRIVATE_JWK, ISSUER, AUDIENCE, SCOPE (the scope a valid token
 * carries) and the API URLs.
 */
import { createPrivateKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';

interface CallEvent {
  readonly target: string;
}

/** The status of each call, by case; the key order is stable (assertions compare the JSON text). */
export interface CallResult {
  /** No Authorization header. */
  readonly noToken: number;
  /** A token for the right issuer, audience and scope, signed by the trusted key. */
  readonly valid: number;
  /** Signed by the trusted key, but for another audience. */
  readonly wrongAudience: number;
  /** The right claims and kid, signed by a key generated here (not the trusted one). */
  readonly forged: number;
  /** Signed by the trusted key, expired 10 minutes ago. */
  readonly expired: number;
  /** Signed by the trusted key, without the scope. */
  readonly missingScope: number;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** A compact ES256 JWS (IEEE P1363 signature, as JWS requires). */
function mint(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${b64url(signature)}`;
}

async function status(url: string, token?: string): Promise<number> {
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}

export const handler = async (event: CallEvent): Promise<CallResult> => {
  const url = env(`${event.target}_API_URL`);
  const jwk = JSON.parse(env('PRIVATE_JWK')) as { kid: string };
  const trusted = createPrivateKey({ key: jwk, format: 'jwk' });
  const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: env('ISSUER'),
    aud: env('AUDIENCE'),
    sub: 'integ-caller',
    scope: env('SCOPE'),
    iat: now,
    exp: now + 300,
  };
  const { scope: _scope, ...withoutScope } = claims;

  // one call at a time, so that the authorizer's logs read in order
  return {
    noToken: await status(url),
    valid: await status(url, mint(trusted, jwk.kid, claims)),
    wrongAudience: await status(url, mint(trusted, jwk.kid, { ...claims, aud: `not-${claims.aud}` })),
    forged: await status(url, mint(forger, jwk.kid, claims)),
    expired: await status(url, mint(trusted, jwk.kid, { ...claims, iat: now - 1200, exp: now - 600 })),
    missingScope: await status(url, mint(trusted, jwk.kid, withoutScope)),
  };
};
