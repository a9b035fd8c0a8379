/**
 * `ts-lambda serve` over real HTTP on 127.0.0.1: routes, the payload 2.0
 * event the function receives, response mapping, Lambda authorizers (allow,
 * deny, missing identity, cache hit, errors), function URLs, a port in use,
 * and `--watch` reloading after a source change. Every server is stopped.
 */
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { runCli, Served, startServe, synthApp, watchProject } from './helpers';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  json(): any;
}

/** One HTTP request with node:http (any header allowed), bounded in time. */
function call(url: string, options: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString()) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Waits (at most 10 s) until `ok()` holds. */
async function waitFor(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

let assembly: string;
let served: Served;
/** URL of the CliTest/Api HTTP API */
let api: string;

beforeAll(async () => {
  assembly = synthApp('test/cli/fixtures/app.ts').dir;
  served = await startServe(['--assembly', assembly, '--port', '0']);
  api = served.apis.get('CliTest/Api')!;
}, 300_000);

afterAll(async () => {
  await served?.stop();
});

describe('serve: routes and the payload 2.0 event', () => {
  test('announces the API, its routes and authorizers, and the function URLs', () => {
    const err = served.stderr();
    expect(err).toMatch(/serving HTTP API CliTest\/Api \(Api\) on http:\/\/127\.0\.0\.1:\d+/);
    expect(err).toMatch(/GET \/pets\/\{id\}\s+→ CliTest\/Echo/);
    expect(err).toMatch(/GET \/private\s+→ CliTest\/Echo\s+\[authorizer Simple, cached 300 s\]/);
    expect(err).toMatch(/GET \/jwt .*JWT authorizer: not supported locally/);
    expect(err).toMatch(/\/lambda-url\/Plain\//);
  });

  test('GET /pets/{id}: the event as API Gateway builds it; the structured response mapped back', async () => {
    const r = await call(`${api}/pets/42?a=1&a=2&b=x%20y`, {
      headers: { 'Cookie': 'c1=v1; c2=v2', 'X-Multi': ['1', '2'], 'User-Agent': 'jest' },
    });
    expect(r.status).toBe(201);
    expect(r.headers['x-echo']).toBe('yes');
    expect(r.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    const { event, env } = r.json();
    expect(env).toEqual({ GREETING: 'hi', REGION_NAME: 'us-east-1' });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /pets/{id}',
      rawPath: '/pets/42',
      rawQueryString: 'a=1&a=2&b=x%20y',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { id: '42' },
      isBase64Encoded: false,
    });
    expect(event.body).toBeUndefined();
    expect(event.headers).toMatchObject({ 'x-multi': '1,2', 'user-agent': 'jest', 'x-forwarded-proto': 'http', 'x-forwarded-for': '127.0.0.1' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-/);
    const rc = event.requestContext;
    expect(rc).toMatchObject({
      accountId: '123456789012',
      routeKey: 'GET /pets/{id}',
      stage: '$default',
      http: { method: 'GET', path: '/pets/42', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
    });
    expect(rc.apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(rc.requestId).toBe(r.headers['apigw-requestid']);
    expect(typeof rc.timeEpoch).toBe('number');
    expect(rc.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(rc.authorizer).toBeUndefined();
  });

  test('an exact route wins over a parameter; a plain value is inferred as a 200 JSON response', async () => {
    const r = await call(`${api}/pets/mine`);
    expect([r.status, r.headers['content-type'], r.json()]).toEqual([200, 'application/json', { hello: 'world' }]);
  });

  test('a binary request body arrives base64-encoded on a greedy route; text bodies as they are', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const bin = (await call(`${api}/files/a/b.png`, { method: 'PUT', headers: { 'Content-Type': 'image/png' }, body: bytes })).json().event;
    expect(bin).toMatchObject({ routeKey: 'ANY /files/{proxy+}', pathParameters: { proxy: 'a/b.png' }, isBase64Encoded: true });
    expect(Buffer.from(bin.body, 'base64')).toEqual(bytes);
    const text = (await call(`${api}/files/x`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' })).json().event;
    expect([text.isBase64Encoded, text.body, text.requestContext.http.method]).toEqual([false, '{"a":1}', 'POST']);
  });

  test('responses: base64 bodies decoded, a string inferred, a malformed response → 500', async () => {
    const bin = await call(`${api}/files/x?mode=binary`);
    expect([bin.status, bin.headers['content-type'], [...bin.body]]).toEqual([200, 'application/octet-stream', [0, 1, 2, 255]]);
    const text = await call(`${api}/files/x?mode=text`);
    expect([text.status, text.headers['content-type'], text.body.toString()]).toEqual([200, 'application/json', 'just text']);
    const bad = await call(`${api}/files/x?mode=bad`);
    expect([bad.status, bad.json()]).toEqual([500, { message: 'Internal Server Error' }]);
  });

  test('payload format 1.0 integration: the REST-compatible event; the response needs a statusCode', async () => {
    const r = await call(`${api}/v1/7?a=1&a=2`, { headers: { 'X-Multi': ['1', '2'] } });
    expect(r.status).toBe(201);
    expect(r.headers['set-cookie']).toBeUndefined(); // `cookies` is a 2.0 field
    const { event } = r.json();
    expect(event).toMatchObject({
      version: '1.0',
      resource: '/v1/{id}',
      path: '/v1/7',
      httpMethod: 'GET',
      queryStringParameters: { a: '2' },
      multiValueQueryStringParameters: { a: ['1', '2'] },
      pathParameters: { id: '7' },
      body: null,
      isBase64Encoded: false,
      requestContext: { httpMethod: 'GET', resourcePath: '/v1/{id}', stage: '$default', identity: { sourceIp: '127.0.0.1' } },
    });
    expect(event.headers['x-multi']).toBe('2');
    expect(event.multiValueHeaders['x-multi']).toEqual(['1', '2']);
    const text = await call(`${api}/v1/7?mode=text`);
    expect([text.status, text.json()]).toEqual([500, { message: 'Internal Server Error' }]);
  });

  test('a function error → 500; no route → 404', async () => {
    const fail = await call(`${api}/fail`);
    expect([fail.status, fail.json()]).toEqual([500, { message: 'Internal Server Error' }]);
    await waitFor(() => /GET \/fail → 500 .*the function failed: .*boom/.test(served.stderr()));
    expect(served.stderr()).toMatch(/GET \/fail → 500 .*the function failed: .*boom/);
    const none = await call(`${api}/nothing/here`);
    expect([none.status, none.json()]).toEqual([404, { message: 'Not Found' }]);
  });
});

describe('serve: Lambda authorizers', () => {
  test('missing identity source → 401 without calling the authorizer; allow; cache hit; deny; error', async () => {
    const missing = await call(`${api}/private`);
    expect([missing.status, missing.json()]).toEqual([401, { message: 'Unauthorized' }]);

    const allowed = await call(`${api}/private`, { headers: { Authorization: 'Bearer allow' } });
    expect(allowed.status).toBe(201);
    const first = allowed.json().event.requestContext.authorizer;
    expect(first.lambda).toMatchObject({ user: 'alice' });
    // the 401 above did not call the authorizer: this is its first call
    expect(first.lambda.calls).toBe(1);
    const callsAfterFirst = first.lambda.calls;

    // same identity within the TTL: the cached result (and context), no new call
    const again = await call(`${api}/private?x=1`, { headers: { Authorization: 'Bearer allow' } });
    expect(again.status).toBe(201);
    expect(again.json().event.requestContext.authorizer.lambda.calls).toBe(callsAfterFirst);

    const denied = await call(`${api}/private`, { headers: { Authorization: 'Bearer nope' } });
    expect([denied.status, denied.json()]).toEqual([403, { message: 'Forbidden' }]);

    // the authorizer was called once for the second identity, not for the cached one
    const third = await call(`${api}/private`, { headers: { Authorization: 'Bearer allow' } });
    expect(third.json().event.requestContext.authorizer.lambda.calls).toBe(callsAfterFirst);
    const errored = await call(`${api}/private`, { headers: { Authorization: 'Bearer crash' } });
    expect([errored.status, errored.json()]).toEqual([500, { message: 'Internal Server Error' }]);
  });

  test('IAM policy authorizer (payload 1.0, no cache): allow with context, explicit deny → 403, missing → 401', async () => {
    const ok = await call(`${api}/iam/things`, { headers: { 'X-Token': 'allow' } });
    expect(ok.status).toBe(201);
    expect(ok.json().event.requestContext.authorizer.lambda).toMatchObject({ via: 'iam' });
    const deny = await call(`${api}/iam/things`, { headers: { 'X-Token': 'deny' } });
    expect(deny.status).toBe(403);
    const missing = await call(`${api}/iam/things`);
    expect(missing.status).toBe(401);
  });

  test('a JWT authorizer is reported as not supported locally', async () => {
    const r = await call(`${api}/jwt`);
    expect(r.status).toBe(501);
    expect(r.json().message).toMatch(/cannot check a JWT authorizer/);
  });
});

describe('serve: function URLs and bad input', () => {
  test('/lambda-url/<name>/ calls the function with a function URL event', async () => {
    const plain = await call(`${api}/lambda-url/Plain/`);
    expect([plain.status, plain.json()]).toEqual([200, { hello: 'world' }]);
    const echo = (await call(`${api}/lambda-url/Echo/some/path?x=1`)).json().event;
    expect(echo).toMatchObject({ rawPath: '/some/path', rawQueryString: 'x=1', routeKey: '$default', queryStringParameters: { x: '1' } });
    expect(echo.requestContext.domainName).toMatch(/^[a-z0-9]+\.lambda-url\.us-east-1\.on\.aws$/);
    const none = await call(`${api}/lambda-url/Nope/`);
    expect(none.status).toBe(404);
  });

  test('every HTTP API on its own port; a named stage prefixes the paths and has its variables', async () => {
    const staged = served.apis.get('CliTest/Staged');
    expect(staged).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(staged).not.toBe(api);
    const r = await call(`${staged}/prod/hello`);
    expect(r.status).toBe(201);
    expect(r.json().event).toMatchObject({ rawPath: '/prod/hello', routeKey: 'GET /hello', requestContext: { stage: 'prod' }, stageVariables: { color: 'blue' } });
    expect((await call(`${staged}/hello`)).status).toBe(404);
  });

  test('CORS: preflights answered by the API, configured headers on answers to allowed origins only', async () => {
    const staged = served.apis.get('CliTest/Staged')!;
    const preflight = await call(`${staged}/prod/hello`, {
      method: 'OPTIONS',
      headers: { 'Origin': 'https://app.example.com', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-max-age': '600',
    });
    const allowed = await call(`${staged}/prod/hello`, { headers: { Origin: 'https://app.example.com' } });
    expect([allowed.status, allowed.headers['access-control-allow-origin'], allowed.headers['access-control-expose-headers']])
      .toEqual([201, 'https://app.example.com', 'x-echo']);
    const other = await call(`${staged}/prod/hello`, { headers: { Origin: 'https://evil.example.com' } });
    expect([other.status, other.headers['access-control-allow-origin']]).toEqual([201, undefined]);
  });

  test('a port in use: a clear message and a non-zero exit', () => {
    const port = new URL(api).port;
    const r = runCli(['serve', '--assembly', assembly, '--port', port]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use; choose another with --port`));
  });
});

describe('serve --watch', () => {
  let project: string;
  let watched: Served | undefined;

  afterAll(async () => {
    await watched?.stop();
  });

  test('re-synthesizes and reloads when a source file changes; a failed synth keeps the previous version', async () => {
    project = watchProject();
    watched = await startServe(['--app', 'npx tsx app.ts', '--watch', '--port', '0', '--assembly', join(project, 'cdk.out')], 180_000, project);
    expect(watched.stderr()).toMatch(/the assembly has no HTTP API; serving function URLs only/);
    expect((await call(`${watched.url}/lambda-url/Fn/`)).json()).toEqual({ version: 1 });

    writeFileSync(join(project, 'handler.ts'), 'export const handler = async () => ({ version: 2 });\n');
    for (let i = 0; i < 15 && !/ts-lambda: reloaded/.test(watched.stderr()); i++) await waitFor(() => /ts-lambda: reloaded/.test(watched!.stderr()));
    expect(watched.stderr()).toMatch(/handler\.ts changed; re-synthesizing/);
    expect(watched.stderr()).toMatch(/ts-lambda: reloaded/);
    expect((await call(`${watched.url}/lambda-url/Fn/`)).json()).toEqual({ version: 2 });

    // a change that does not synthesize: the previous version keeps serving
    writeFileSync(join(project, 'app.ts'), 'throw new Error("broken app");\n');
    const failed = () => /reload failed, still serving the previous version/.test(watched!.stderr());
    for (let i = 0; i < 15 && !failed(); i++) await waitFor(failed);
    expect(watched.stderr()).toMatch(/cdk synth failed/);
    expect((await call(`${watched.url}/lambda-url/Fn/`)).json()).toEqual({ version: 2 });
    expect(await watched.stop()).toBe(0);
  }, 400_000);
});
