/**
 * Part of `npm run bench:authorizer`: the authorizers as a team deploys them,
 * cold, through `ts-lambda invoke`.
 *
 * - ours: the OidcAuthorizer construct (its prebuilt bundle),
 * - aws-jwt-verify and jose: the authorizers of bench/authorizer-peers,
 *   written as their READMEs show, bundled by TypeScriptFunction (esbuild,
 *   as they would deploy),
 * - floor: an authorizer that allows everything, bundled the same way,
 *
 * all four on the same runtime (nodejs24.x, arm64, 256 MB; run natively on
 * this host's Node.js by `ts-lambda invoke`), each verifying an RS256 token
 * against a JWKS that an HTTPS server on 127.0.0.1 serves (a self-signed
 * certificate made with the `openssl` command, given to every function as
 * NODE_EXTRA_CA_CERTS, as Lambda gives its own CA file; aws-jwt-verify
 * fetches over https only). Every `ts-lambda invoke` is a fresh environment,
 * so each call is a cold start: the emulator's init duration (process start
 * to the first `next`), the first invocation's duration (the JWKS fetch
 * included, for all three verifiers) and the peak RSS of the runtime process.
 * Rounds run the four in a rotating order; medians of per-round figures, and
 * of per-round differences and ratios to the floor of the same round.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FunctionRuntime, OidcAuthorizer, TypeScriptFunction } from '../src';
import { startNodeServer } from '../test/helpers/node-server';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'assets', 'cli', 'ts-lambda.cjs');
const AUDIENCE = 'api://bench';

/** The contenders of the cold-start table, floor first. */
export const COLD_CONTENDERS = ['floor', 'ours', 'aws-jwt-verify', 'jose'] as const;
export type ColdContender = typeof COLD_CONTENDERS[number];

/** One cold start, as `ts-lambda invoke` reports it. */
interface ColdRun { readonly initMs: number; readonly firstMs: number; readonly memoryMb: number }

/** Per contender: the runs of every round, and the bundle that ran. */
export interface ColdStarts {
  readonly rounds: number;
  readonly runs: Map<ColdContender, ColdRun[]>;
  /** the main file of each deployed asset (index.mjs), for the import-time table */
  readonly bundles: Map<ColdContender, string>;
  /** bytes of that file */
  readonly bundleBytes: Map<ColdContender, number>;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** 25th and 75th percentiles (nearest rank). */
export const quartiles = (xs: number[]): [number, number] => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return [at(0.25), at(0.75)];
};

/** An HTTPS server on 127.0.0.1 in its own process (the bench blocks this one in execFileSync), serving the JWKS. */
async function startJwksServer(work: string, jwks: object): Promise<{ base: string; ca: string; requests: () => number; close: () => void }> {
  const key = join(work, 'tls-key.pem');
  const ca = join(work, 'tls-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', ca, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  writeFileSync(join(work, 'jwks.json'), JSON.stringify(jwks));
  const log = join(work, 'jwks-requests.log');
  writeFileSync(log, '');
  const script = `
    const https = require('node:https'); const fs = require('node:fs');
    const [key, cert, body, log] = process.argv.slice(1);
    const jwks = fs.readFileSync(body);
    const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
      fs.appendFileSync(log, req.url + '\\n');
      if (req.url === '/jwks') res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      else res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
    setTimeout(() => process.exit(0), 30 * 60 * 1000).unref();
  `;
  const { child, port } = await startNodeServer(script, [key, ca, join(work, 'jwks.json'), log], 'JWKS server');
  return {
    base: `https://127.0.0.1:${port}`,
    ca,
    requests: () => readFileSync(log, 'utf8').split('\n').filter((l) => l === '/jwks').length,
    close: () => { child.kill(); },
  };
}

/** Synthesizes the four authorizers into `outdir`; returns their construct paths and bundles. */
function synth(outdir: string, issuer: string, jwksUri: string, ca: string) {
  const app = new App({ outdir });
  const stack = new Stack(app, 'AuthorizerCold');
  const runtime = lambda.Runtime.NODEJS_24_X;
  const environment = { ISSUER: issuer, AUDIENCE, JWKS_URI: jwksUri, NODE_EXTRA_CA_CERTS: ca };
  const ours = new OidcAuthorizer(stack, 'Ours', { issuer, jwksUri, audiences: [AUDIENCE] });
  ours.function.addEnvironment('NODE_EXTRA_CA_CERTS', ca);
  const peer = (id: string, file: string) => new TypeScriptFunction(stack, id, {
    entry: join(__dirname, 'authorizer-peers', file),
    runtime: FunctionRuntime.nodejs(runtime),
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    environment,
  });
  const peers = { 'floor': peer('Floor', 'allow.ts'), 'aws-jwt-verify': peer('AwsJwtVerify', 'aws-jwt-verify.ts'), 'jose': peer('Jose', 'jose.mts') };
  app.synth();
  const paths = new Map<ColdContender, string>([['ours', ours.function.node.path]]);
  const bundles = new Map<ColdContender, string>([['ours', join(ROOT, 'assets', 'authorizer', 'index.mjs')]]);
  for (const [name, fn] of Object.entries(peers) as [ColdContender, TypeScriptFunction][]) {
    paths.set(name, fn.node.path);
    bundles.set(name, join(fn.assetPath, 'index.mjs'));
  }
  return { paths, bundles };
}

/** One `ts-lambda invoke`: a fresh environment, so a cold start. */
function invokeCold(path: string, assembly: string, eventFile: string, env: NodeJS.ProcessEnv): ColdRun {
  const r = spawnSync(process.execPath, [CLI, 'invoke', path, '--assembly', assembly, '--event', eventFile], { env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`ts-lambda invoke ${path} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const answer = JSON.parse(r.stdout);
  if (answer.isAuthorized !== true) throw new Error(`${path} did not authorize the token: ${r.stdout}\n${r.stderr}`);
  const m = /returned in ([\d.]+) ms \(init ([\d.]+) ms\), max memory (\d+) MB/.exec(r.stderr);
  if (!m) throw new Error(`no cold-start figures from ts-lambda invoke ${path}:\n${r.stderr}`);
  return { firstMs: Number(m[1]), initMs: Number(m[2]), memoryMb: Number(m[3]) };
}

/** Bundles, serves, synthesizes and invokes the four cold, `rounds` times each. */
export async function measureColdStarts(work: string, rounds: number): Promise<ColdStarts> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench-cold', alg: 'RS256', use: 'sig' };
  const server = await startJwksServer(work, { keys: [jwk] });
  try {
    const issuer = `${server.base}/`;
    const env = { ...process.env, CDK_TS_LAMBDA_QUIET: '1', CDK_TS_LAMBDA_CACHE_DIR: join(work, 'bundle-cache') };
    const saved = { quiet: process.env.CDK_TS_LAMBDA_QUIET, cache: process.env.CDK_TS_LAMBDA_CACHE_DIR };
    Object.assign(process.env, { CDK_TS_LAMBDA_QUIET: env.CDK_TS_LAMBDA_QUIET, CDK_TS_LAMBDA_CACHE_DIR: env.CDK_TS_LAMBDA_CACHE_DIR });
    const assembly = join(work, 'cdk.out');
    const { paths, bundles } = synth(assembly, issuer, `${server.base}/jwks`, server.ca);
    for (const [k, v] of [['CDK_TS_LAMBDA_QUIET', saved.quiet], ['CDK_TS_LAMBDA_CACHE_DIR', saved.cache]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }

    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${b64({ alg: 'RS256', kid: 'bench-cold', typ: 'JWT' })}.${b64({ iss: issuer, aud: AUDIENCE, sub: 'user-1', iat: now - 10, exp: now + 3600, scope: 'orders:read' })}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'auth', 'fixtures', 'example-apigw-v2-custom-authorizer-v2-request.json'), 'utf8'));
    const eventFile = join(work, 'event.json');
    writeFileSync(eventFile, JSON.stringify({ ...fixture, identitySource: [`Bearer ${token}`], headers: { ...fixture.headers, authorization: `Bearer ${token}` } }));

    const runs = new Map<ColdContender, ColdRun[]>(COLD_CONTENDERS.map((c) => [c, []]));
    invokeCold(paths.get('floor')!, assembly, eventFile, env); // warms the file cache; not counted
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < COLD_CONTENDERS.length; i++) {
        const c = COLD_CONTENDERS[(i + round) % COLD_CONTENDERS.length];
        runs.get(c)!.push(invokeCold(paths.get(c)!, assembly, eventFile, env));
      }
    }
    // each verifier fetched the JWKS once per cold start: the fetch is in every figure
    const fetches = server.requests();
    const verifying = 3 * rounds;
    if (fetches < verifying) throw new Error(`expected a JWKS fetch per cold start of a verifier (${verifying}), the server saw ${fetches}`);
    const bundleBytes = new Map([...bundles].map(([c, file]) => [c, statSync(file).size]));
    return { rounds, runs, bundles, bundleBytes };
  } finally {
    server.close();
  }
}

/** What the quartiles of per-round differences (ours minus a peer) say. */
export function noiseVerdict(lo: number, hi: number): string {
  if (lo <= 0 && hi >= 0) return 'within the noise: the quartiles of the per-round difference straddle zero';
  return hi < 0 ? 'ours faster in at least three rounds of four' : 'ours slower in at least three rounds of four';
}

/** The cold-start table and what it shows, as README lines. */
export function coldStartLines(cold: ColdStarts, loadNote: string): string[] {
  const total = (r: ColdRun) => r.initMs + r.firstMs;
  const floor = cold.runs.get('floor')!;
  const per = (c: ColdContender, f: (r: ColdRun, i: number) => number) => cold.runs.get(c)!.map(f);
  const diffToFloor = (c: ColdContender) => per(c, (r, i) => total(r) - total(floor[i]));
  const lines: string[] = [];
  lines.push(`Cold starts through \`ts-lambda invoke\` (each call a fresh environment of the emulator, our runtime client on this host's Node.js ${process.version}; nodejs24.x, arm64 functions run natively on x86_64, 256 MB): init (process start to the runtime's first \`next\`), the first invocation (a real HTTP API payload 2.0 event with an RS256 token; each verifier fetches the JWKS from an HTTPS server on 127.0.0.1 that the bench starts), and the peak RSS of the runtime process. The peers are the authorizers of bench/authorizer-peers, written as their READMEs show and bundled by TypeScriptFunction (esbuild, ESM, minified as deployed); the floor allows everything and is bundled the same way. ${cold.rounds} rounds in rotating order, medians; "over the floor" is the median of per-round differences (p25..p75 in brackets). ${loadNote}`);
  lines.push('');
  lines.push('| cold start | bundle (KB) | init (ms) | first invocation (ms) | init + first (ms) | over the floor (ms) | ratio to floor | peak memory (MB) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of COLD_CONTENDERS) {
    const runs = cold.runs.get(c)!;
    const over = diffToFloor(c);
    const [lo, hi] = quartiles(over);
    const ratio = median(per(c, (r, i) => total(r) / total(floor[i])));
    lines.push(`| ${c === 'floor' ? 'floor (allows everything)' : c} | ${(cold.bundleBytes.get(c)! / 1024).toFixed(1)} | ${median(runs.map((r) => r.initMs)).toFixed(1)} | ${median(runs.map((r) => r.firstMs)).toFixed(1)} | ${median(runs.map(total)).toFixed(1)} | ${c === 'floor' ? '-' : `${median(over).toFixed(1)} [${lo.toFixed(1)}..${hi.toFixed(1)}]`} | ${ratio.toFixed(2)}x | ${median(runs.map((r) => r.memoryMb)).toFixed(0)} |`);
  }
  lines.push('');
  const [floorLo, floorHi] = quartiles(floor.map(total));
  lines.push(`- Noise: the floor's own init + first invocation spans ${floorLo.toFixed(1)}..${floorHi.toFixed(1)} ms (p25..p75 over ${cold.rounds} rounds; median ${median(floor.map(total)).toFixed(1)} ms).`);
  for (const peer of ['aws-jwt-verify', 'jose'] as const) {
    const d = per('ours', (r, i) => total(r) - total(cold.runs.get(peer)![i]));
    const [lo, hi] = quartiles(d);
    const verdict = noiseVerdict(lo, hi);
    lines.push(`- ours vs ${peer}, init + first invocation: ${median(d) >= 0 ? '+' : ''}${median(d).toFixed(1)} ms median per round [${lo.toFixed(1)}..${hi.toFixed(1)}], ${verdict}; peak memory ${median(cold.runs.get('ours')!.map((r) => r.memoryMb)).toFixed(0)} vs ${median(cold.runs.get(peer)!.map((r) => r.memoryMb)).toFixed(0)} MB.`);
  }
  return lines;
}
