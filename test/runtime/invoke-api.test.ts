/**
 * The Invoke API endpoint (`POST /2015-03-31/functions/{name}/invocations`)
 * with raw HTTP, as the AWS SDK or curl would call it.
 */
import { connect } from 'node:net';
import { buildClient, http, nodeFunction } from './helpers';
import { LambdaEmulator } from '../../src/runtime/emulator';
import { loadEvent } from '../helpers/fixtures';

const client = buildClient();
let emulator: LambdaEmulator;
let port: number;
const path = (name: string) => `/2015-03-31/functions/${name}/invocations`;

beforeAll(async () => {
  emulator = await LambdaEmulator.start({
    port: 0,
    functions: [
      nodeFunction(client.bootstrap, 'echo', 'esm', 'index.handler'),
      nodeFunction(client.bootstrap, 'http', 'esm', 'index.http'),
      nodeFunction(client.bootstrap, 'fails', 'esm', 'index.throws'),
      // one instance: every call below goes through the same counter, in order
      nodeFunction(client.bootstrap, 'counter', 'faults', 'index.counter', { maxConcurrency: 1 }),
    ],
  });
  port = Number(new URL(emulator.url).port);
});

afterAll(async () => {
  await emulator?.close();
  client.cleanup();
});

test('the emulator listens on 127.0.0.1 only', () => {
  expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(port).toBeGreaterThan(0);
});

test('RequestResponse: 200 with the function result and Lambda headers', async () => {
  const event = loadEvent('example-apigw-v2-request-multi-value-parameters.json');
  const res = await http(port, 'POST', path('http'), JSON.stringify(event));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['x-amz-executed-version']).toBe('$LATEST');
  expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers).not.toHaveProperty('x-amz-function-error');
  expect(JSON.parse(res.json().body)).toMatchObject({ method: 'GET', path: '/my/path' });
});

test('a function error: 200, X-Amz-Function-Error: Unhandled, the error document as body', async () => {
  const res = await http(port, 'POST', path('fails'), '{}');
  expect(res.status).toBe(200);
  expect(res.headers['x-amz-function-error']).toBe('Unhandled');
  expect(res.json()).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
});

test('a function ARN or name:qualifier in the path names the function', async () => {
  const byArn = await http(port, 'POST', path(encodeURIComponent('arn:aws:lambda:us-east-1:012345678912:function:echo')), '{"via":"arn"}');
  expect(byArn.json().event).toEqual({ via: 'arn' });
  const byQualifier = await http(port, 'POST', path('echo:$LATEST'), '{"via":"qualifier"}');
  expect(byQualifier.json().event).toEqual({ via: 'qualifier' });
});

test('X-Amz-Client-Context (base64 JSON) reaches context.clientContext; X-Amzn-Trace-Id reaches _X_AMZN_TRACE_ID', async () => {
  // non-ASCII on purpose: Latin-1, beyond Latin-1, and beyond the BMP
  const clientContext = { client: { app_title: 'Café 東京 🚀' }, custom: { tenant: 't1' }, env: { locale: 'en' } };
  const res = await http(port, 'POST', path('echo'), '{}', {
    'X-Amz-Client-Context': Buffer.from(JSON.stringify(clientContext)).toString('base64'),
    'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  });
  expect(res.json().context.clientContext).toEqual(clientContext);
  expect(res.json().env.trace).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
});

test('X-Amz-Log-Type: Tail returns the invocation log, base64, in X-Amz-Log-Result', async () => {
  const res = await http(port, 'POST', path('echo'), '{"kind":"tail"}', { 'X-Amz-Log-Type': 'Tail' });
  const log = Buffer.from(String(res.headers['x-amz-log-result']), 'base64').toString();
  const requestId = res.headers['x-amzn-requestid'];
  expect(log).toContain(`START RequestId: ${requestId} Version: $LATEST`);
  expect(log).toContain(`\t${requestId}\tINFO\tevent received tail`);
  expect(log).toMatch(new RegExp(`REPORT RequestId: ${requestId}\\tDuration: `));
});

test('without X-Amz-Log-Type: Tail and without a log listener, no log tail or peak RSS is gathered', async () => {
  const plain = await emulator.invoke('echo', { payload: '{"kind":"plain"}', report: false });
  expect(plain.functionError).toBeUndefined();
  expect(plain.logTail).toBe('');
  expect(plain.maxMemoryUsedMB).toBeUndefined();
  // the default (programmatic callers) still gets both
  const full = await emulator.invoke('echo', '{"kind":"full"}');
  expect(full.logTail).toMatch(new RegExp(`REPORT RequestId: ${full.requestId}\\tDuration: [^\\n]*Max Memory Used: \\d+ MB`));
  expect(full.maxMemoryUsedMB).toBeGreaterThan(0);
});

test('an empty body is the event {}', async () => {
  const res = await http(port, 'POST', path('echo'));
  expect(res.json().event).toEqual({});
});

test('Event: 202 at once, the function still runs; DryRun: 204 and nothing runs', async () => {
  const before = (await http(port, 'POST', path('counter'), '{}')).json().count;
  const event = await http(port, 'POST', path('counter'), '{}', { 'X-Amz-Invocation-Type': 'Event' });
  expect(event.status).toBe(202);
  expect(event.text).toBe('');
  const dry = await http(port, 'POST', path('counter'), '{}', { 'X-Amz-Invocation-Type': 'DryRun' });
  expect(dry.status).toBe(204);
  // the Event invocation took the only instance first; this one runs after it; DryRun ran nothing
  const after = (await http(port, 'POST', path('counter'), '{}')).json().count;
  expect(after).toBe(before + 2);
});

test('service errors are Lambda\'s: unknown function 404, bad JSON 400, too large 413, bad invocation type 400', async () => {
  const missing = await http(port, 'POST', path('nope'), '{}');
  expect(missing.status).toBe(404);
  expect(missing.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
  expect(missing.json()).toEqual({ Type: 'User', message: 'Function not found: arn:aws:lambda:us-east-1:012345678912:function:nope' });

  const badJson = await http(port, 'POST', path('echo'), '{not json');
  expect(badJson.status).toBe(400);
  expect(badJson.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');

  const tooLarge = await http(port, 'POST', path('echo'), Buffer.alloc(6 * 1024 * 1024 + 1, 0x20));
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException');

  const badType = await http(port, 'POST', path('echo'), '{}', { 'X-Amz-Invocation-Type': 'Sometimes' });
  expect(badType.status).toBe(400);
  expect(badType.headers['x-amzn-errortype']).toBe('InvalidParameterValueException');

  const badContext = await http(port, 'POST', path('echo'), '{}', { 'X-Amz-Client-Context': Buffer.from('not json').toString('base64') });
  expect(badContext.status).toBe(400);
});

test('unknown paths 404, other methods 405, both JSON', async () => {
  const unknown = await http(port, 'GET', '/2015-03-31/functions');
  expect(unknown.status).toBe(404);
  expect(unknown.json()).toHaveProperty('message');
  const wrongMethod = await http(port, 'GET', path('echo'));
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.allow).toBe('POST');
  expect(wrongMethod.json()).toHaveProperty('message');
});

/** Writes `text` on one raw connection and collects what comes back until `until` matches or the peer closes. */
function raw(text: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1');
      if (until.test(got)) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
  });
}

test('raw HTTP/1.1: keep-alive and pipelined invocations on one connection, answered in order', async () => {
  const one = (n: number) => `POST ${path('echo')} HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{"n":${n}}`;
  const got = await raw(one(1) + one(2) + one(3), /"event":\{"n":3\}/);
  const bodies = [...got.matchAll(/"event":(\{"n":\d\})/g)].map((m) => m[1]);
  expect(bodies).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  expect(got.match(/HTTP\/1\.1 200 OK\r\n/g)).toHaveLength(3);
});

test('raw HTTP/1.1: Expect: 100-continue, chunked bodies, DryRun 204 without Content-Length', async () => {
  const continued = await raw(`POST ${path('echo')} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{"c":"x"\r\n1\r\n}\r\n0\r\n\r\n`, /"c":"x"/);
  expect(continued).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  const dry = await raw(`POST ${path('echo')} HTTP/1.1\r\nHost: x\r\nX-Amz-Invocation-Type: DryRun\r\nContent-Length: 2\r\n\r\n{}`, /\r\n\r\n/);
  expect(dry).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
  expect(dry).not.toMatch(/content-length/i);
});

test('raw HTTP/1.1: a malformed request gets 400 and the connection closes', async () => {
  const got = await raw('POST /2015-03-31/functions/echo/invocations HTTP/1.1\r\nBad Header\r\n\r\n', /$^/);
  expect(got).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Connection: close\r\n/);
});

test('with a log listener, START/END/REPORT (Max Memory Used included) are made even when the caller does not read them', async () => {
  const entries: string[] = [];
  const withLog = await LambdaEmulator.start({
    functions: [nodeFunction(client.bootstrap, 'echo', 'esm', 'index.handler')],
    onLog: (entry) => entries.push(entry.text),
  });
  try {
    const result = await withLog.invoke('echo', { payload: '{}', report: false });
    expect(entries).toContain(`START RequestId: ${result.requestId} Version: $LATEST\n`);
    expect(entries.join('')).toMatch(new RegExp(`REPORT RequestId: ${result.requestId}\\tDuration: [^\\n]*Max Memory Used: \\d+ MB`));
  } finally {
    await withLog.close();
  }
});
