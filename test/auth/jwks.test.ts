/**
 * Keys from the network: OIDC discovery, a JWKS URI, the cache (max age,
 * refetch on an unknown kid at most once per cooldown, stale serving) and
 * every way the endpoint can fail. Servers run on 127.0.0.1 and close in
 * afterAll; the clock is the handler's injected one, so nothing is timed.
 */
import {
  AUDIENCE, claims, jwksOf, json, keys, makeHandler, makeKey, NOW, sign, TestServer,
} from './helpers';
import { ENV } from '../../src/auth/private/contract';
import { USER_AGENT } from '../../src/runtime/authorizer/fetch-json';

const rsa = () => keys().get('RS256')!;
const rotated = makeKey('ES256', 'rotated-key');

let jwksBody: unknown = jwksOf(rsa());
const WITH_SKIPPED = () => ({ keys: [{ kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }, rsa().jwk] });
const server = new TestServer({
  '/.well-known/openid-configuration': (req, res) => json({ issuer: `http://${req.headers.host}`, jwks_uri: `http://${req.headers.host}/jwks` })(req, res),
  '/jwks': (req, res) => json(jwksBody)(req, res),
  '/jwks-with-skipped': (req, res) => json(WITH_SKIPPED())(req, res),
  '/other-issuer/.well-known/openid-configuration': json({ issuer: 'https://somebody.else/', jwks_uri: 'https://somebody.else/jwks' }),
  '/insecure/.well-known/openid-configuration': (req, res) => json({ issuer: `http://${req.headers.host}/insecure`, jwks_uri: 'http://attacker.example/jwks' })(req, res),
  '/status-500': json({ message: 'boom' }, 500),
  '/html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Login</body></html>'),
  '/invalid-json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [ {"kty": "RSA",'),
  '/not-a-jwks': json({ hello: 'world' }),
  '/slow': () => { /* never answers; the socket is destroyed when the server closes */ },
  '/huge': (_req, res) => res.writeHead(200).end(`{"keys":[],"pad":"${'x'.repeat(600 * 1024)}"}`),
});
let base = '';
let closedPortUrl = '';

beforeAll(async () => {
  base = await server.start();
  const down = new TestServer({});
  closedPortUrl = `${await down.start()}/jwks`;
  await down.close();
});
afterAll(() => server.close());
beforeEach(() => {
  jwksBody = jwksOf(rsa());
  server.counts.clear();
});

/** A handler with a movable clock. */
function setup(env: NodeJS.ProcessEnv) {
  let now = NOW;
  const made = makeHandler({ [ENV.AUDIENCES]: JSON.stringify([AUDIENCE]), [ENV.JWKS_FETCH_TIMEOUT]: '300', ...env }, { now: () => now });
  return { ...made, advance: (seconds: number) => { now += seconds; } };
}

async function isAllowed(handler: (e: unknown) => Promise<unknown>, token: string): Promise<boolean> {
  const r = await handler({ version: '2.0', type: 'REQUEST', identitySource: [`Bearer ${token}`], routeArn: 'arn:aws:execute-api:us-east-1:1:a/s/GET/x' });
  return (r as { isAuthorized: boolean }).isAuthorized;
}

test('discovery: issuer + /.well-known/openid-configuration gives the JWKS URI; fetched once, then cached', async () => {
  const { handler, logs } = setup({ [ENV.ISSUER]: base });
  const token = await sign(rsa(), claims({ iss: base }));
  expect(await isAllowed(handler, token)).toBe(true);
  expect(await isAllowed(handler, token)).toBe(true);
  expect(server.count('/.well-known/openid-configuration')).toBe(1);
  expect(server.count('/jwks')).toBe(1);
  expect(server.userAgents.every((ua) => ua === USER_AGENT)).toBe(true);
  expect(logs.lines).toEqual([]);
});

test('discovery: a document whose issuer differs from the configured issuer is refused', async () => {
  const { handler, logs } = setup({ [ENV.ISSUER]: `${base}/other-issuer` });
  expect(await isAllowed(handler, await sign(rsa(), claims({ iss: `${base}/other-issuer` })))).toBe(false);
  expect(logs.reasons()).toEqual(['jwks_unavailable']);
  expect(logs.lines.some((l) => l.includes('jwks_fetch_failed'))).toBe(true);
});

test('discovery: a jwks_uri that is not https (nor loopback) is refused', async () => {
  const { handler, logs } = setup({ [ENV.ISSUER]: `${base}/insecure` });
  expect(await isAllowed(handler, await sign(rsa(), claims({ iss: `${base}/insecure` })))).toBe(false);
  expect(logs.reasons()).toEqual(['jwks_unavailable']);
});

test('jwksUri: keys are fetched from it directly, no discovery', async () => {
  const { handler } = setup({ [ENV.JWKS_URI]: `${base}/jwks`, [ENV.ISSUER]: 'https://issuer.example.com/' });
  expect(await isAllowed(handler, await sign(rsa()))).toBe(true);
  expect(server.count('/jwks')).toBe(1);
  expect(server.count('/.well-known/openid-configuration')).toBe(0);
});

test('fetched keys that can not verify are skipped with a warning (no key material in it); the others work', async () => {
  const { handler, logs } = setup({ [ENV.JWKS_URI]: `${base}/jwks-with-skipped`, [ENV.ISSUER]: 'https://issuer.example.com/' });
  expect(await isAllowed(handler, await sign(rsa()))).toBe(true);
  const warning = JSON.parse(logs.lines[0]);
  expect(warning).toEqual({ event: 'jwks_keys_skipped', url: `${base}/jwks-with-skipped`, reasons: ['no allowed algorithm for kty oct'] });
});

test('tokens that wait together for the first fetch each get their own verdict (a forged one is never judged by the next token\'s signature)', async () => {
  const { handler, logs } = setup({ [ENV.JWKS_URI]: `${base}/jwks`, [ENV.ISSUER]: 'https://issuer.example.com/' });
  const valid = await sign(rsa(), claims({ sub: 'alice' }));
  const [h, , s] = valid.split('.');
  // bob's claims under alice's signature: invalid
  const forged = `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'bob' }))).toString('base64url')}.${s}`;
  const other = await sign(rsa(), claims({ sub: 'carol' }));
  const verdicts = await Promise.all([forged, valid, other, forged].map((t) => isAllowed(handler, t)));
  expect(verdicts).toEqual([false, true, true, false]);
  expect(server.count('/jwks')).toBe(1);
  expect(logs.reasons()).toEqual(['signature_invalid', 'signature_invalid']);
});

test('pre-seeded JWKS: the cold start makes no network call', async () => {
  const { handler } = setup({ [ENV.JWKS_URI]: `${base}/jwks`, [ENV.ISSUER]: 'https://issuer.example.com/', [ENV.JWKS]: JSON.stringify(jwksOf(rsa())) });
  for (let i = 0; i < 5; i++) expect(await isAllowed(handler, await sign(rsa()))).toBe(true);
  expect(server.count('/jwks')).toBe(0);
});

test('max age: keys are refetched once they are older than the cache max age', async () => {
  const { handler, advance } = setup({ [ENV.JWKS_URI]: `${base}/jwks`, [ENV.ISSUER]: 'https://issuer.example.com/', [ENV.JWKS_CACHE_MAX_AGE]: '600' });
  const token = await sign(rsa(), claims({ exp: NOW + 7200 }));
  expect(await isAllowed(handler, token)).toBe(true);
  advance(599);
  expect(await isAllowed(handler, token)).toBe(true);
  expect(server.count('/jwks')).toBe(1);
  advance(2);
  expect(await isAllowed(handler, token)).toBe(true);
  expect(server.count('/jwks')).toBe(2);
});

test('rotation: a new kid triggers a refetch (after the cooldown) and the new key is used', async () => {
  const { handler, advance } = setup({ [ENV.JWKS_URI]: `${base}/jwks`, [ENV.ISSUER]: 'https://issuer.example.com/', [ENV.JWKS_COOLDOWN]: '30' });
  expect(await isAllowed(handler, await sign(rsa()))).toBe(true);
  jwksBody = jwksOf(rsa(), rotated);
  // within the cooldown of the first fetch: no refetch, denied
  expect(await isAllowed(handler, await sign(rotated))).toBe(false);
  expect(server.count('/jwks')).toBe(1);
  advance(31);
  expect(await isAllowed(handler, await sign(rotated))).toBe(true);
  expect(server.count('/jwks')).toBe(2);
});

test('unknown-kid flood: the endpoint is fetched at most once per cooldown', async () => {
  const { handler, logs, advance } = setup({
    [ENV.JWKS_URI]: `${base}/jwks`, [ENV.ISSUER]: 'https://issuer.example.com/', [ENV.JWKS]: JSON.stringify(jwksOf(rsa())), [ENV.JWKS_COOLDOWN]: '60',
  });
  const token = await sign(rsa());
  const [h, p, s] = token.split('.');
  const forged = (i: number) => `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: `flood-${i}` })).toString('base64url')}.${p}.${s}`;
  expect(h.length).toBeGreaterThan(0);

  // 300 concurrent, then 300 sequential requests with random kids
  const concurrent = await Promise.all(Array.from({ length: 300 }, (_, i) => isAllowed(handler, forged(i))));
  for (let i = 300; i < 600; i++) expect(await isAllowed(handler, forged(i))).toBe(false);
  expect(concurrent.every((allowed) => !allowed)).toBe(true);
  expect(server.count('/jwks')).toBe(1);
  // the valid token still works during the flood
  expect(await isAllowed(handler, token)).toBe(true);

  advance(61);
  await Promise.all(Array.from({ length: 100 }, (_, i) => isAllowed(handler, forged(1000 + i))));
  expect(server.count('/jwks')).toBe(2);
  expect(new Set(logs.reasons())).toEqual(new Set(['kid_unknown']));
});

const FAILURES: { [name: string]: () => string } = {
  'endpoint down (connection refused)': () => closedPortUrl,
  'endpoint slower than the fetch timeout': () => `${base}/slow`,
  'endpoint answers 500': () => `${base}/status-500`,
  'endpoint answers HTML': () => `${base}/html`,
  'endpoint answers invalid JSON': () => `${base}/invalid-json`,
  'endpoint answers JSON that is not a JWKS': () => `${base}/not-a-jwks`,
  'endpoint answers more than 512 KiB': () => `${base}/huge`,
};

describe('JWKS endpoint failures', () => {
  test.each(Object.keys(FAILURES))('%s: no keys -> denied with jwks_unavailable, a warning logged, no throw', async (name) => {
    const { handler, logs } = setup({ [ENV.JWKS_URI]: FAILURES[name](), [ENV.ISSUER]: 'https://issuer.example.com/' });
    const token = await sign(rsa());
    expect(await isAllowed(handler, token)).toBe(false);
    expect(logs.reasons()).toEqual(['jwks_unavailable']);
    const warning = logs.lines.map((l) => JSON.parse(l)).find((l) => l.event === 'jwks_fetch_failed');
    expect(warning).toMatchObject({ serving: 'none' });
    // REST: a Deny policy (403), not a throw
    const rest = await handler({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: 'arn:aws:execute-api:us-east-1:1:a/s/GET/x' });
    expect(rest).toMatchObject({ policyDocument: { Statement: [{ Effect: 'Deny' }] } });
  });

  test.each(Object.keys(FAILURES))('%s: stale keys are served after the max age', async (name) => {
    const { handler, logs, advance } = setup({
      [ENV.JWKS_URI]: FAILURES[name](),
      [ENV.ISSUER]: 'https://issuer.example.com/',
      [ENV.JWKS]: JSON.stringify(jwksOf(rsa())),
      [ENV.JWKS_CACHE_MAX_AGE]: '60',
      [ENV.JWKS_COOLDOWN]: '10',
    });
    const token = await sign(rsa(), claims({ exp: NOW + 7200 }));
    advance(120);
    expect(await isAllowed(handler, token)).toBe(true);
    expect(logs.lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ event: 'jwks_fetch_failed', serving: 'stale' })]);
    // within the cooldown: no new attempt, still served
    expect(await isAllowed(handler, token)).toBe(true);
    expect(logs.lines).toHaveLength(1);
  });
});

test('a failed first fetch is retried only after the cooldown', async () => {
  const { handler, advance } = setup({ [ENV.JWKS_URI]: `${base}/status-500`, [ENV.ISSUER]: 'https://issuer.example.com/', [ENV.JWKS_COOLDOWN]: '30' });
  const token = await sign(rsa());
  for (let i = 0; i < 10; i++) expect(await isAllowed(handler, token)).toBe(false);
  expect(server.count('/status-500')).toBe(1);
  advance(31);
  expect(await isAllowed(handler, token)).toBe(false);
  expect(server.count('/status-500')).toBe(2);
});
