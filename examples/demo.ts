/**
 * `npm run demo`: synthesizes examples/app with the real cdk CLI into cdk.out
 * (the bundle report is printed by each function as it is bundled).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Assembly, HttpApiInfo, readAssembly, RouteInfo } from '../src/runtime/cli/assembly';
import { urlName } from '../src/runtime/cli/serve';

const root = join(__dirname, '..');
const cdk = join(root, 'node_modules', '.bin', 'cdk');

console.log('== synthesizing examples/app into cdk.out');
const started = Date.now();
execFileSync(cdk, ['synth', '--app', 'npx tsx examples/app/main.ts', '--output', 'cdk.out', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
console.log(`== synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// ============================================================================
// ts-lambda (issue #7): run every function of the app locally with a fitting
// sample event, then serve its HTTP API and call it with and without a valid
// token. Everything below runs the CLI as a user would (assets/cli).
// ============================================================================

const cli = join(root, 'assets', 'cli', 'ts-lambda.cjs');

/** Runs `ts-lambda ...args` to the end; the CLI's exit codes 0 and 1 (function failed) are both outcomes to show. */
function tsLambda(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input: input ?? '', encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`ts-lambda ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The first `max` characters of `text`, on one line. */
function short(text: string, max = 160): string {
  const one = text.replace(/\s*\n\s*/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 3)}...` : one;
}

function invokeEachFunction(): void {
  console.log('\n== ts-lambda list');
  console.log(tsLambda(['list']).stdout.trimEnd());
  const fns = JSON.parse(tsLambda(['list', '--json']).stdout) as Array<{ path: string; supported: boolean; sampleEvent?: string }>;
  for (const fn of fns.filter((f) => f.supported)) {
    const args = fn.sampleEvent ? ['invoke', fn.path, '--example', fn.sampleEvent] : ['invoke', fn.path, '-'];
    const input = fn.sampleEvent ? undefined : JSON.stringify({ name: 'demo' });
    console.log(`\n== ts-lambda ${args.join(' ')}${input ? ` <<< '${input}'` : ''}`);
    const r = tsLambda(args, input);
    // a streamed function URL response starts with its HTTP integration prelude: JSON, then 8 NUL bytes
    console.log(`   ${r.status === 0 ? 'result' : 'error'}: ${short(r.stdout.replace(/\0{8}/g, ' <8 NUL bytes> '), 400)}`);
    for (const line of r.stderr.split('\n').filter((l) => /^ts-lambda: .*(returned|failed) /.test(l))) console.log(`   ${line}`);
  }
}

interface Reply {
  readonly status: number;
  readonly body: string;
}

function call(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A concrete path for a route key: `{id}` → `1`, `{proxy+}` → `demo/path`. */
function samplePath(route: RouteInfo): { method: string; path: string } {
  if (route.routeKey === '$default') return { method: 'GET', path: '/' };
  const [method, path] = route.routeKey.split(' ');
  return {
    method: method === 'ANY' ? 'GET' : method,
    path: path.replace(/\{[^}]+\+\}/g, 'demo/path').replace(/\{[^}]+\}/g, '1'),
  };
}

/** A token for the demo, the env file that makes the authorizer accept it, and how. */
interface DemoToken {
  readonly token: string;
  readonly envFile: string;
  readonly note: string;
}

/**
 * A signed token the example app's OidcAuthorizer accepts. The private key of
 * the JWKS the app pre-seeds is not in the repository, so the demo makes a
 * key pair of the same algorithm (jose), gives its public JWKS to the
 * authorizer function with --env-file (OIDC_JWKS), and signs with it; issuer,
 * audience and required scopes are read from the authorizer's template.
 */
async function tokenFor(authorizerLogicalId: string, env: Readonly<Record<string, unknown>>): Promise<DemoToken> {
  const jose = await import('jose');
  const text = (name: string) => (typeof env[name] === 'string' ? env[name] as string : undefined);
  const seeded = text('OIDC_JWKS') ? (JSON.parse(text('OIDC_JWKS')!) as { keys?: Array<{ alg?: string }> }).keys?.[0]?.alg : undefined;
  const alg = seeded ?? text('OIDC_ALGORITHMS')?.split(',')[0] ?? 'RS256';
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'demo-key', alg, use: 'sig' };
  const audiences = text('OIDC_AUDIENCES') ? JSON.parse(text('OIDC_AUDIENCES')!) as string[] : ['demo'];
  const token = await new jose.SignJWT({ scope: text('OIDC_REQUIRED_SCOPES') ?? '' })
    .setProtectedHeader({ alg, kid: 'demo-key', typ: 'JWT' })
    .setIssuer(text('OIDC_ISSUER') ?? 'https://issuer.example.com/')
    .setAudience(audiences[0])
    .setSubject('demo-user')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
  const envFile = join(mkdtempSync(join(tmpdir(), 'ts-lambda-demo-')), 'env.json');
  writeFileSync(envFile, JSON.stringify({ [authorizerLogicalId]: { OIDC_JWKS: JSON.stringify({ keys: [jwk] }) } }));
  return { token, envFile, note: `a ${alg} key pair made for the demo signs the token; its public JWKS replaces the authorizer's pre-seeded one through --env-file` };
}

async function serveHttpApis(): Promise<void> {
  const assembly = readAssembly(join(root, 'cdk.out'));
  if (assembly.httpApis.length === 0) {
    console.log('\n== (the example app has no HTTP API yet: nothing to serve)');
    return;
  }
  // a token for the first Lambda authorizer of the app, if it has one
  const authorizerPath = assembly.httpApis.flatMap((a) => a.routes).find((r) => r.authorizationType === 'CUSTOM')?.authorizer?.functionPath;
  const authorizerFn = assembly.functions.find((f) => f.path === authorizerPath);
  const auth = authorizerFn ? await tokenFor(authorizerFn.logicalId, authorizerFn.environment) : undefined;

  const args = ['serve', '--port', '0', ...(auth ? ['--env-file', auth.envFile] : [])];
  console.log(`\n== ts-lambda ${args.join(' ')}`);
  if (auth) console.log(`   (${auth.note})`);
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const urls = await new Promise<Map<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ts-lambda serve did not start in 60 s:\n${log}`)), 60_000);
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('ts-lambda: ready')) {
        clearTimeout(timer);
        resolve(new Map([...log.matchAll(/serving HTTP API (\S+) .* on (http:\/\/\S+)/g)].map((m) => [m[1], m[2]])));
      }
    });
    child.on('exit', (code) => reject(new Error(`ts-lambda serve exited with ${code}:\n${log}`)));
  });
  try {
    for (const line of log.split('\n').filter((l) => /^(ts-lambda: serving| {2}\S)/.test(l))) console.log(`   ${line}`);
    for (const api of assembly.httpApis as HttpApiInfo[]) {
      const base = urls.get(api.path);
      if (!base) continue;
      for (const route of api.routes) {
        const { method, path } = samplePath(route);
        const body = ['POST', 'PUT', 'PATCH'].includes(method) ? JSON.stringify({ name: 'demo' }) : undefined;
        const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
        const attempts: Array<[string, Record<string, string>]> = route.authorizationType === 'CUSTOM' && auth
          ? [
            ['without a token', headers],
            ['with a forged token', { ...headers, authorization: `Bearer ${auth.token.slice(0, -8)}AAAAAAAA` }],
            ['with a valid token', { ...headers, authorization: `Bearer ${auth.token}` }],
          ]
          : [['', headers]];
        for (const [what, h] of attempts) {
          const reply = await call(`${base}${path}`, method, h, body);
          console.log(`   ${method} ${path}${what ? ` ${what}` : ''} → ${reply.status} ${short(reply.body)}`);
        }
      }
    }
    await streamFunctionUrls(assembly, log);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** Calls each RESPONSE_STREAM function URL and prints every piece of the body with the time it arrived. */
async function streamFunctionUrls(assembly: Assembly, serveLog: string): Promise<void> {
  for (const fn of assembly.functions.filter((f) => f.urlInvokeMode === 'RESPONSE_STREAM')) {
    const url = new RegExp(`(http://\\S+/lambda-url/${urlName(fn, assembly.functions)}/)`).exec(serveLog)?.[1];
    if (!url) continue;
    console.log(`\n== GET ${url}?steps=4 (${fn.path}: a function URL with InvokeMode RESPONSE_STREAM)`);
    const sent = Date.now();
    await new Promise<void>((resolve, reject) => {
      const req = request(`${url}?steps=4`, { timeout: 30_000 }, (res) => {
        console.log(`   +${Date.now() - sent} ms: ${res.statusCode} ${res.headers['content-type']} (transfer-encoding: ${res.headers['transfer-encoding']})`);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => console.log(`   +${Date.now() - sent} ms: ${chunk.trimEnd()}`));
        res.on('end', () => resolve());
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in 30 s`)));
      req.on('error', reject);
      req.end();
    });
  }
}

async function localRun(): Promise<void> {
  invokeEachFunction();
  await serveHttpApis();
}

localRun().catch((err) => {
  console.error(err);
  process.exit(1);
});
