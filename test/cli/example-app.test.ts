/**
 * ts-lambda against the real example app (examples/app): every function run
 * with the sample event that fits its trigger, and its HTTP API served with
 * its OidcAuthorizer: no token, a forged token, a valid token (signed here
 * with a key whose public JWKS the authorizer gets through --env-file).
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, Served, startServe, synthApp } from './helpers';
import { readAssembly } from '../../src/runtime/cli/assembly';

interface Listed {
  readonly path: string;
  readonly logicalId: string;
  readonly supported: boolean;
  readonly triggers: string[];
  readonly sampleEvent?: string;
}

let assembly: string;
let fns: Listed[];

beforeAll(() => {
  assembly = synthApp('examples/app/main.ts').dir;
  fns = JSON.parse(runCli(['list', '--assembly', assembly, '--json']).stdout);
}, 300_000);

const byPath = (suffix: string) => fns.find((f) => f.path.endsWith(suffix));

/** An ES256 JWT signed with node:crypto, and the public JWKS that verifies it. */
function es256Token(claims: Record<string, unknown>): { token: string; jwks: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'ES256', kid: 'test-key', typ: 'JWT' })}.${b64(claims)}`;
  const signature = createSign('sha256').update(input).sign({ key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return { token: `${input}.${signature}`, jwks: JSON.stringify({ keys: [jwk] }) };
}

function call(url: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: 30_000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

describe('the example app', () => {
  test('list: every function runnable, with the trigger that calls it', () => {
    expect(byPath('/Hello')).toMatchObject({ supported: true, triggers: [] });
    expect(byPath('/OrderQueueConsumer/Function')).toMatchObject({ supported: true, triggers: ['sqs'], sampleEvent: 'sqs-json' });
    expect(byPath('/OrderTopicConsumer/Function')).toMatchObject({ supported: true, triggers: ['kafka'], sampleEvent: 'kafka-json' });
    expect(byPath('/PetsApi/Function')).toMatchObject({ supported: true, triggers: ['http'] });
    expect(byPath('/PetsAuth/Function')).toMatchObject({ supported: true, triggers: ['http-authorizer'] });
    expect(byPath('/Progress')).toMatchObject({ supported: true, triggers: ['url'] });
  });

  test('invoke: each function with a fitting sample event', () => {
    const run = (fn: Listed | undefined, args: string[], input?: string) => {
      const r = runCli(['invoke', fn!.path, '--assembly', assembly, ...args], { input });
      expect([fn!.path, r.code, r.stderr]).toEqual([fn!.path, 0, expect.stringMatching(/returned in/)]);
      return JSON.parse(r.stdout);
    };
    expect(run(byPath('/Hello'), ['-'], '{"name":"test"}')).toEqual({ message: 'Hello, test!' });
    expect(run(byPath('/OrderQueueConsumer/Function'), ['--example', 'sqs-json'])).toEqual({ batchItemFailures: [] });
    expect(run(byPath('/OrderTopicConsumer/Function'), ['--example', 'kafka-json'])).toMatchObject({ batchItemFailures: [], processed: 3 });
    expect(run(byPath('/PetsAuth/Function'), ['--example', 'http-authorizer-bearer'])).toEqual({ isAuthorized: false });
    expect(run(byPath('/PetsApi/Function'), ['--example', 'http'])).toMatchObject({ statusCode: 200 });
  });

  describe('serve with the OidcAuthorizer', () => {
    let served: Served | undefined;
    let token: string;

    beforeAll(async () => {
      const auth = readAssembly(assembly).functions.find((f) => f.triggers.includes('http-authorizer'))!;
      // issuer, audience and scope the authorizer wants, from its template variables
      const env = auth.environment as Record<string, string>;
      const now = Math.floor(Date.now() / 1000);
      const signed = es256Token({
        iss: env.OIDC_ISSUER, aud: JSON.parse(env.OIDC_AUDIENCES)[0], sub: 'test-user', scope: env.OIDC_REQUIRED_SCOPES ?? '', iat: now, exp: now + 600,
      });
      token = signed.token;
      const envFile = join(mkdtempSync(join(tmpdir(), 'example-env-')), 'env.json');
      writeFileSync(envFile, JSON.stringify({ [auth.logicalId]: { OIDC_JWKS: signed.jwks } }));
      served = await startServe(['--assembly', assembly, '--port', '0', '--env-file', envFile]);
    }, 120_000);

    afterAll(async () => {
      await served?.stop();
    });

    test('public route, missing token (401), forged token (403), valid token', async () => {
      const url = [...served!.apis.values()].find(() => true)!;
      expect((await call(`${url}/`)).status).toBe(200);
      expect(await call(`${url}/pets`)).toEqual({ status: 401, json: { message: 'Unauthorized' } });
      expect(await call(`${url}/pets`, 'GET', { authorization: `Bearer ${token.slice(0, -6)}AAAAAA` })).toEqual({ status: 403, json: { message: 'Forbidden' } });
      const ok = await call(`${url}/pets`, 'GET', { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      const created = await call(`${url}/pets`, 'POST', { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' }, '{"name":"Kit"}');
      expect(created).toMatchObject({ status: 201, json: { name: 'Kit', owner: 'test-user' } });
    });
  });
});
