/**
 * Differential test: jose (jwtVerify with a local JWKS) is the oracle. On the
 * same valid and invalid tokens, with the same issuer, audience, algorithms,
 * clock and tolerance, our answer must agree with jose's, except where we are
 * documented to be stricter (we deny, jose allows):
 *
 * - iat_future: `iat` later than now + tolerance (jose only checks iat with maxTokenAge)
 * - claim_forbidden_name: a top-level `__proto__`, `constructor` or `prototype` member
 * - token_encoding: non-canonical base64url (jose's decoder ignores non-zero trailing bits)
 * - principal_missing: no principal id claim (jose has no notion of one)
 *
 * We must never allow what jose denies.
 */
import { AUDIENCE, baseEnv, claims, httpEvent, ISSUER, jose, jwksOf, keys, makeHandler, makeKey, NOW, sign } from './helpers';
import { mutations } from './mutations';
import { ENV } from '../../src/auth/private/contract';

const STRICTER = new Set(['iat_future', 'claim_forbidden_name', 'token_encoding', 'principal_missing']);
const TOLERANCE = 5;

test('ours agrees with jose on valid, invalid and mutated tokens, except documented strictness', async () => {
  const j = jose();
  const all = [...keys().values()];
  const jwks = jwksOf(...all);
  const localJwks = j.createLocalJWKSet(jwks as any);
  const oracle = async (token: string): Promise<boolean> => {
    try {
      await j.jwtVerify(token, localJwks, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: all.map((k) => k.alg),
        clockTolerance: TOLERANCE,
        currentDate: new Date(NOW * 1000),
        requiredClaims: ['exp'],
      });
      return true;
    } catch {
      return false;
    }
  };
  const { handler, logs } = makeHandler(baseEnv(jwks, { [ENV.CLOCK_TOLERANCE]: String(TOLERANCE) }));

  const tokens: string[] = [];
  for (const key of all) {
    tokens.push(
      await sign(key),
      await sign(key, claims({ exp: NOW - TOLERANCE - 1 })),
      await sign(key, claims({ exp: NOW - TOLERANCE + 1 })),
      await sign(key, claims({ nbf: NOW + TOLERANCE + 1 })),
      await sign(key, claims({ nbf: NOW + TOLERANCE - 1 })),
      await sign(key, claims({ iat: NOW + 600 })),
      await sign(key, claims({ iss: 'https://other/' })),
      await sign(key, claims({ aud: ['x', AUDIENCE] })),
      await sign(key, claims({ aud: 'x' })),
      await sign(key, claims({ exp: undefined })),
      await sign(key, claims({ exp: 'soon' })),
      await sign(key, claims({ sub: undefined })),
      await sign(key, claims({ constructor: 'x' })),
      await sign({ ...key, kid: 'unknown' }),
    );
  }
  tokens.push(await sign(makeKey('RS256', 'key-rs256')), await sign({ ...keys().get('RS256')!, alg: 'PS256' }));
  const valid = await Promise.all(all.map((k) => sign(k)));
  for (const m of mutations(valid, 3000, 0xd1ff)) tokens.push(m.token);

  const tally = { bothAllow: 0, bothDeny: 0, stricter: new Map<string, number>() };
  const disagreements: string[] = [];
  for (const token of tokens) {
    const before = logs.reasons().length;
    const ours = (await handler(httpEvent(`Bearer ${token}`)) as { isAuthorized: boolean }).isAuthorized;
    const reason = logs.reasons()[before];
    const theirs = await oracle(token);
    if (ours && theirs) tally.bothAllow++;
    else if (!ours && !theirs) tally.bothDeny++;
    else if (!ours && theirs && STRICTER.has(reason)) tally.stricter.set(reason, (tally.stricter.get(reason) ?? 0) + 1);
    else disagreements.push(`ours=${ours} (${reason ?? 'allowed'}) jose=${theirs}: ${token.slice(0, 60)}...`);
  }
  if (process.env.AUTH_DIFF_REPORT) process.stdout.write(`${JSON.stringify({ tokens: tokens.length, ...tally, stricter: Object.fromEntries(tally.stricter) })}\n`);
  expect(disagreements).toEqual([]);
  // the comparison is meaningful: both answers occur, and each documented strictness is exercised
  expect(tally.bothAllow).toBeGreaterThanOrEqual(all.length * 4);
  expect(tally.bothDeny).toBeGreaterThan(3000);
  expect([...tally.stricter.keys()].sort()).toEqual(['claim_forbidden_name', 'iat_future', 'principal_missing', 'token_encoding']);
}, 240_000); // thousands of signatures: minutes on a loaded 2-core machine
