/**
 * Test helpers for the OIDC authorizer: keys for every algorithm, token
 * signing with jose (the oracle library, loaded through an esbuild CJS bundle
 * because jose is ESM-only and jest runs CommonJS), a JWKS/discovery server
 * on 127.0.0.1, and a handler factory with captured logs.
 */
import { generateKeyPairSync, KeyObject, sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { ENV } from '../../src/auth/private/contract';
import { AuthorizerLogger, AuthorizerOptions, createAuthorizer } from '../../src/runtime/authorizer/authorizer';
import { loadConfig } from '../../src/runtime/authorizer/config';
import { FetchError, fetchJson } from '../../src/runtime/authorizer/fetch-json';
import { tempDir } from '../helpers/fixtures';

let joseModule: typeof Jose | undefined;

/** jose, bundled to CommonJS once per test file. */
export function jose(): typeof Jose {
  if (!joseModule) {
    const outfile = join(tempDir('jose-cjs-'), 'jose.cjs');
    buildSync({ entryPoints: [require.resolve('jose')], bundle: true, format: 'cjs', platform: 'node', target: 'node20', outfile, logLevel: 'error' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the CJS bundle made just above
    joseModule = require(outfile) as typeof Jose;
  }
  return joseModule;
}

export const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type Alg = typeof ALGORITHMS[number];

/** A signing key and its public JWK. */
export interface TestKey {
  readonly alg: Alg;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** public JWK with kid, alg and use */
  readonly jwk: { [name: string]: unknown };
}

export function makeKey(alg: Alg, kid = `key-${alg.toLowerCase()}`): TestKey {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  if (alg.startsWith('RS') || alg.startsWith('PS')) pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  else if (alg === 'ES256') pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  else if (alg === 'ES384') pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  else if (alg === 'ES512') pair = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  else pair = generateKeyPairSync('ed25519');
  return { alg, kid, ...pair, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

let keyCache: Map<Alg, TestKey> | undefined;
/** One key per algorithm (generated once per test file). */
export function keys(): Map<Alg, TestKey> {
  if (!keyCache) keyCache = new Map(ALGORITHMS.map((alg) => [alg, makeKey(alg)]));
  return keyCache;
}

export function jwksOf(...ks: TestKey[]): { keys: { [name: string]: unknown }[] } {
  return { keys: ks.map((k) => k.jwk) };
}

export const ISSUER = 'https://issuer.example.com/';
export const AUDIENCE = 'api://orders';
/** A fixed clock for tests: 2026-01-01T00:00:00Z. */
export const NOW = 1_767_225_600;

export function claims(extra: { [name: string]: unknown } = {}): { [name: string]: unknown } {
  return { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: NOW - 60, exp: NOW + 3600, scope: 'orders:read orders:write', ...extra };
}

/** Signs claims with jose (header: alg, kid, typ JWT, plus `header`). */
export async function sign(key: TestKey, payload: { [name: string]: unknown } = claims(), header: { [name: string]: unknown } = {}): Promise<string> {
  const j = jose();
  const privateKey = await j.importJWK(key.privateKey.export({ format: 'jwk' }) as Jose.JWK, key.alg);
  return new j.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(privateKey);
}

export const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A log sink that keeps every line. */
export class CapturedLogs implements AuthorizerLogger {
  public readonly lines: string[] = [];
  info(line: string): void { this.lines.push(line); }
  warn(line: string): void { this.lines.push(line); }
  error(line: string): void { this.lines.push(line); }
  /** deny reasons, in order */
  reasons(): string[] {
    return this.lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'deny').map((l) => l.reason);
  }
}

/** The environment the construct would set, for a pre-seeded JWKS. */
export function baseEnv(jwks: unknown = jwksOf(...keys().values()), extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    [ENV.ISSUER]: ISSUER,
    [ENV.AUDIENCES]: JSON.stringify([AUDIENCE]),
    [ENV.JWKS]: JSON.stringify(jwks),
    [ENV.CONTEXT_CLAIMS]: 'scope,email',
    ...extra,
  };
}

/** URLs that tests tried to fetch off the machine (always refused: tests only reach 127.0.0.1). */
export const refusedFetches: string[] = [];

/** The key cache's HTTP client in tests: loopback only; anything else fails like an unreachable host, without a DNS lookup. */
export function loopbackOnlyFetch(url: string, timeoutMs: number): Promise<unknown> {
  if (new URL(url).hostname === '127.0.0.1') return fetchJson(url, timeoutMs);
  refusedFetches.push(url);
  return Promise.reject(new FetchError('network', 'tests only reach 127.0.0.1'));
}

/** A handler from source, configured like the construct would, with a fixed clock, captured logs and loopback-only fetches. */
export function makeHandler(env: NodeJS.ProcessEnv = baseEnv(), options: AuthorizerOptions = {}) {
  const logs = new CapturedLogs();
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    config = err as Error;
  }
  const handler = createAuthorizer(config, { logger: logs, now: () => NOW, fetch: loopbackOnlyFetch, ...options });
  return { handler, logs };
}

/** A real authorizer event from test/auth/fixtures (see its README for the sources), parsed. */
export function loadAuthEvent(name: string): any {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));
}

const HTTP_V2 = loadAuthEvent('example-apigw-v2-custom-authorizer-v2-request.json');
const REST_TOKEN = loadAuthEvent('powertools-ts-rest-authorizer-token.json');

/** The real HTTP API payload 2.0 authorizer event with `authorization` as its identity source and header. */
export function httpEvent(authorization: string | undefined): unknown {
  return {
    ...HTTP_V2,
    identitySource: authorization === undefined ? [] : [authorization],
    headers: { ...HTTP_V2.headers, ...(authorization === undefined ? {} : { authorization }) },
  };
}

/** The real REST API TOKEN authorizer event with `authorization` as its token. */
export function tokenEvent(authorization: string | undefined): unknown {
  const { authorizationToken: _dropped, ...rest } = REST_TOKEN;
  return authorization === undefined ? rest : { ...rest, authorizationToken: authorization };
}

/** Runs the handler on an HTTP API event and says whether it allowed. Fails the test if it throws. */
export async function allows(handler: (e: unknown) => Promise<unknown>, token: string): Promise<boolean> {
  const result = await handler(httpEvent(`Bearer ${token}`)) as { isAuthorized: boolean };
  return result.isAuthorized;
}

/** What a JWKS test server answers, per path. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A JWKS / discovery server on 127.0.0.1 that counts requests per path. */
export class TestServer {
  public readonly counts = new Map<string, number>();
  public readonly userAgents: string[] = [];
  private server?: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  constructor(private readonly routes: { [path: string]: Route }) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      this.counts.set(path, (this.counts.get(path) ?? 0) + 1);
      this.userAgents.push(String(req.headers['user-agent']));
      const route = this.routes[path];
      if (route) route(req, res);
      else res.writeHead(404).end('not found');
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export const json = (body: unknown, status = 200): Route => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/**
 * Signs exact header and payload JSON text with node:crypto (RS256 or ES256),
 * for tokens jose refuses to make (crit, weak keys, literal __proto__ keys).
 */
export function signRaw(privateKey: KeyObject, alg: 'RS256' | 'ES256', headerJson: string, payloadJson: string): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  const signature = cryptoSign('sha256', Buffer.from(input), alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
  return `${input}.${signature.toString('base64url')}`;
}
