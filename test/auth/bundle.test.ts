/**
 * The prebuilt bundle (assets/authorizer/index.mjs, what the package ships),
 * loaded by a fresh Node.js process as the Lambda runtime would (ESM import of
 * index.mjs, `handler` export), against a smoke set of valid and invalid
 * tokens, with keys pre-seeded and with keys from a discovery server on
 * 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ALGORITHMS, AUDIENCE, baseEnv, claims, httpEvent, jwksOf, json, keys, makeKey, sign, signRaw, TestServer, tokenEvent } from './helpers';
import { ENV } from '../../src/auth/private/contract';
import { tempDir } from '../helpers/fixtures';

const BUNDLE = join(__dirname, '..', '..', 'assets', 'authorizer', 'index.mjs');

/** Runs the bundle's handler on each event in one fresh process; returns results (or thrown messages) and the process output. */
async function runBundle(events: unknown[], env: NodeJS.ProcessEnv): Promise<{ results: { result?: any; thrown?: string }[]; output: string }> {
  const dir = tempDir('authorizer-bundle-');
  const runner = join(dir, 'runner.mjs');
  writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
  writeFileSync(runner, `
    import { readFileSync } from 'node:fs';
    const { handler } = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)});
    const events = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'events.json'))}, 'utf8'));
    const context = { awsRequestId: 'test', functionName: 'authorizer', getRemainingTimeInMillis: () => 10000 };
    const results = [];
    for (const event of events) {
      try { results.push({ result: await handler(event, context) }); } catch (err) { results.push({ thrown: err.message }); }
    }
    process.stdout.write('@@RESULTS@@' + JSON.stringify(results));
  `);
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [runner], {
    env: { PATH: process.env.PATH, AWS_LAMBDA_FUNCTION_NAME: 'authorizer', ...env },
    timeout: 30_000,
  });
  const [logs, results] = stdout.split('@@RESULTS@@');
  return { results: JSON.parse(results), output: logs + stderr };
}

const server = new TestServer({
  '/.well-known/openid-configuration': (req, res) => json({ issuer: `http://${req.headers.host}`, jwks_uri: `http://${req.headers.host}/jwks` })(req, res),
  '/jwks': json(jwksOf(...keys().values())),
});
let base = '';
beforeAll(async () => {
  base = await server.start();
});
afterAll(() => server.close());

test('the bundle is one self-contained ESM file: only node: built-ins imported', () => {
  const code = readFileSync(BUNDLE, 'utf8');
  const imports = [...code.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter((i) => !i.startsWith('node:'))).toEqual([]);
  expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
});

/** Claims valid now by the real clock (the bundle's clock). */
function live(extra: { [name: string]: unknown } = {}): { [name: string]: unknown } {
  const now = Math.floor(Date.now() / 1000);
  return claims({ iat: now - 60, exp: now + 3600, ...extra });
}

test('pre-seeded keys: every algorithm allowed, the attack smoke set denied, the REST answers right, no token in the output', async () => {
  const rsa = keys().get('RS256')!;
  const valid = await Promise.all(ALGORITHMS.map((alg) => sign(keys().get(alg)!, live())));
  const attacks = [
    `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(live())).toString('base64url')}.`,
    await sign(rsa, live({ exp: 1 })),
    await sign(rsa, live({ aud: 'other' })),
    await sign(rsa, live({ iss: 'https://attacker.example/' })),
    await sign(makeKey('RS256', 'unknown'), live()),
    await sign({ ...rsa, kid: '../../etc/passwd' }, live()),
    await sign({ ...rsa, alg: 'PS256' }, live()),
    signRaw(rsa.privateKey, 'RS256', JSON.stringify({ alg: 'RS256', kid: rsa.kid }), `{"__proto__":{"admin":true},${JSON.stringify(live()).slice(1)}`),
  ];
  const events = [
    ...valid.map((t) => httpEvent(`Bearer ${t}`)),
    ...attacks.map((t) => httpEvent(`Bearer ${t}`)),
    tokenEvent(`Bearer ${valid[0]}`),
    tokenEvent(undefined),
    tokenEvent('Bearer a.b'),
    tokenEvent(`Bearer ${attacks[1]}`),
  ];
  // keys pre-seeded; an unknown kid refetches from the local server (never off the machine)
  const { results, output } = await runBundle(events, baseEnv(undefined, { [ENV.JWKS_URI]: `${base}/jwks` }));
  const n = ALGORITHMS.length;
  expect(results.slice(0, n)).toEqual(valid.map(() => ({ result: { isAuthorized: true, context: { principalId: 'user-1', scope: 'orders:read orders:write' } } })));
  expect(results.slice(n, n + attacks.length)).toEqual(attacks.map(() => ({ result: { isAuthorized: false } })));
  const rest = results.slice(n + attacks.length);
  expect(rest[0].result).toMatchObject({ principalId: 'user-1', policyDocument: { Statement: [{ Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:puhdx84jy9/prod/*' }] } });
  expect(rest[1]).toEqual({ thrown: 'Unauthorized' });
  expect(rest[2]).toEqual({ thrown: 'Unauthorized' });
  expect(rest[3].result).toMatchObject({ principalId: 'unauthorized', policyDocument: { Statement: [{ Effect: 'Deny' }] } });
  // denials are logged with a reason code, and no token (nor any segment of one) is ever in the output
  for (const reason of ['token_encoding', 'expired', 'aud_mismatch', 'iss_mismatch', 'kid_unknown', 'key_alg_mismatch', 'claim_forbidden_name', 'token_missing']) {
    expect(output).toContain(`"reason":"${reason}"`);
  }
  for (const token of [...valid, ...attacks]) {
    for (const segment of token.split('.').filter((seg) => seg.length >= 8)) expect(output).not.toContain(segment);
  }
  expect(output).not.toContain('jwks_fetch_failed');
});

test('keys by OIDC discovery from a 127.0.0.1 issuer: fetched once by the bundle, with its User-Agent', async () => {
  server.counts.clear();
  const tokens = await Promise.all(['RS256', 'ES384', 'EdDSA'].map((alg) => sign(keys().get(alg as 'RS256')!, live({ iss: base }))));
  const { results } = await runBundle(tokens.map((t) => httpEvent(`Bearer ${t}`)), {
    [ENV.ISSUER]: base,
    [ENV.AUDIENCES]: JSON.stringify([AUDIENCE]),
  });
  expect(results).toEqual(tokens.map(() => ({ result: { isAuthorized: true, context: { principalId: 'user-1' } } })));
  expect(server.count('/.well-known/openid-configuration')).toBe(1);
  expect(server.count('/jwks')).toBe(1);
  expect(server.userAgents.every((ua) => ua.startsWith('cdk-ts-lambda-oidc-authorizer/'))).toBe(true);
});
