/**
 * Protocol tests of the Runtime API (2018-06-01) with raw HTTP: the test
 * plays the runtime against one RuntimeApi server, no process involved.
 */
import { connect } from 'node:net';
import { http } from './helpers';
import { RuntimeApi, Invocation, InvocationOutcome, MAX_RESPONSE_BYTES } from '../../src/runtime/emulator';

const V = '/2018-06-01/runtime';

interface Recorder {
  readonly api: RuntimeApi;
  readonly port: number;
  readonly outcomes: InvocationOutcome[];
  readonly initErrors: Array<{ body: string; errorType: string }>;
  readonly delivered: Invocation[];
  ready: number;
}

async function startApi(): Promise<Recorder> {
  const outcomes: InvocationOutcome[] = [];
  const initErrors: Array<{ body: string; errorType: string }> = [];
  const delivered: Invocation[] = [];
  const recorder: any = { outcomes, initErrors, delivered, ready: 0 };
  recorder.api = new RuntimeApi({
    onReady: () => { recorder.ready++; },
    onDelivered: (delivery) => delivered.push(delivery),
    onInitError: (body, errorType) => initErrors.push({ body: body.toString(), errorType }),
    onOutcome: (_delivery, outcome) => outcomes.push(outcome),
  });
  const address: string = await recorder.api.listen(0);
  recorder.port = Number(address.split(':')[1]);
  return recorder as Recorder;
}

function invocation(id: string, extra: Partial<Invocation> = {}): Invocation {
  return {
    requestId: id,
    payload: Buffer.from(JSON.stringify({ hello: id })),
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:012345678912:function:fn',
    traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
    timeoutMs: 3000,
    deadlineMs: 0,
    startedAt: 0,
    ...extra,
  };
}

describe('Runtime API 2018-06-01 (raw HTTP)', () => {
  let r: Recorder;
  beforeEach(async () => { r = await startApi(); });
  afterEach(async () => { await r.api.close(); });

  test('next blocks until an event, then gives it with the invocation headers', async () => {
    const next = http(r.port, 'GET', `${V}/invocation/next`);
    let answered = false;
    void next.then(() => { answered = true; });
    // the runtime is waiting: nothing is answered before an event exists
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    const before = Date.now();
    r.api.deliver(invocation('req-1', {
      clientContext: '{"client":{"app_title":"t"}}',
      cognitoIdentity: '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
      tenantId: 'tenant-a',
    }));
    const res = await next;
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ hello: 'req-1' });
    expect(res.headers['lambda-runtime-aws-request-id']).toBe('req-1');
    expect(res.headers['lambda-runtime-invoked-function-arn']).toBe('arn:aws:lambda:us-east-1:012345678912:function:fn');
    expect(res.headers['lambda-runtime-trace-id']).toBe('Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1');
    expect(res.headers['lambda-runtime-client-context']).toBe('{"client":{"app_title":"t"}}');
    expect(res.headers['lambda-runtime-cognito-identity']).toBe('{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}');
    expect(res.headers['lambda-runtime-aws-tenant-id']).toBe('tenant-a');
    const deadline = Number(res.headers['lambda-runtime-deadline-ms']);
    expect(deadline).toBeGreaterThanOrEqual(before + 3000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 3000);
    expect(r.ready).toBe(1);
    expect(r.delivered.map((i) => i.requestId)).toEqual(['req-1']);
  });

  test('an event given before next is held for the next call; optional headers are left out', async () => {
    r.api.deliver(invocation('req-queued'));
    const res = await http(r.port, 'GET', `${V}/invocation/next`);
    expect(res.headers['lambda-runtime-aws-request-id']).toBe('req-queued');
    expect(res.headers).not.toHaveProperty('lambda-runtime-client-context');
    expect(res.headers).not.toHaveProperty('lambda-runtime-cognito-identity');
    expect(res.headers).not.toHaveProperty('lambda-runtime-aws-tenant-id');
  });

  test('response: 202 {"status":"OK"}, and the body reaches the caller as sent', async () => {
    r.api.deliver(invocation('req-2'));
    await http(r.port, 'GET', `${V}/invocation/next`);
    const res = await http(r.port, 'POST', `${V}/invocation/req-2/response`, '{"answer":42}', { 'Content-Type': 'application/json' });
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ status: 'OK' });
    expect(r.outcomes).toHaveLength(1);
    expect(r.outcomes[0].kind).toBe('response');
    expect(r.outcomes[0].body.toString()).toBe('{"answer":42}');
  });

  test('error: 202, with the Lambda-Runtime-Function-Error-Type header and the error document', async () => {
    r.api.deliver(invocation('req-3'));
    await http(r.port, 'GET', `${V}/invocation/next`);
    const document = { errorMessage: 'boom', errorType: 'MyError', stackTrace: ['at x'] };
    const res = await http(r.port, 'POST', `${V}/invocation/req-3/error`, JSON.stringify(document), { 'Lambda-Runtime-Function-Error-Type': 'MyError' });
    expect(res.status).toBe(202);
    expect(r.outcomes[0]).toMatchObject({ kind: 'error', errorType: 'MyError', platform: false });
    expect(JSON.parse(r.outcomes[0].body.toString())).toEqual(document);
  });

  test('init/error before the first next: 202 and reported; after it: 403 InvalidStateTransition', async () => {
    const res = await http(r.port, 'POST', `${V}/init/error`, '{"errorMessage":"no config","errorType":"InitFailure"}', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.InitFailure' });
    expect(res.status).toBe(202);
    expect(r.initErrors).toEqual([{ body: '{"errorMessage":"no config","errorType":"InitFailure"}', errorType: 'Runtime.InitFailure' }]);

    const other = await startApi();
    try {
      other.api.deliver(invocation('req-4'));
      await http(other.port, 'GET', `${V}/invocation/next`);
      const late = await http(other.port, 'POST', `${V}/init/error`, '{}');
      expect(late.status).toBe(403);
      expect(late.json()).toMatchObject({ errorType: 'InvalidStateTransition' });
      expect(other.initErrors).toHaveLength(0);
    } finally {
      await other.api.close();
    }
  });

  test('unknown request id: 400 InvalidRequestID, and the invocation is still open', async () => {
    r.api.deliver(invocation('req-5'));
    await http(r.port, 'GET', `${V}/invocation/next`);
    for (const kind of ['response', 'error']) {
      const res = await http(r.port, 'POST', `${V}/invocation/not-the-id/${kind}`, '{}');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.json()).toEqual({ errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
    }
    expect(r.outcomes).toHaveLength(0);
    const ok = await http(r.port, 'POST', `${V}/invocation/req-5/response`, '"fine"');
    expect(ok.status).toBe(202);
  });

  test('a second answer for the same id: 400 InvalidRequestID, the first one stands', async () => {
    r.api.deliver(invocation('req-6'));
    await http(r.port, 'GET', `${V}/invocation/next`);
    expect((await http(r.port, 'POST', `${V}/invocation/req-6/response`, '"first"')).status).toBe(202);
    const again = await http(r.port, 'POST', `${V}/invocation/req-6/error`, '{}');
    expect(again.status).toBe(400);
    expect(again.json().errorType).toBe('InvalidRequestID');
    expect(r.outcomes.map((o) => o.body.toString())).toEqual(['"first"']);
  });

  test('an answer before the event was handed out: 400 InvalidRequestID', async () => {
    r.api.deliver(invocation('req-early'));
    const res = await http(r.port, 'POST', `${V}/invocation/req-early/response`, '"too soon"');
    expect(res.status).toBe(400);
    expect(r.outcomes).toHaveLength(0);
  });

  test('a response over 6291556 bytes: 413 RequestEntityTooLarge, the caller gets Function.ResponseSizeTooLarge', async () => {
    r.api.deliver(invocation('req-7'));
    await http(r.port, 'GET', `${V}/invocation/next`);
    const size = MAX_RESPONSE_BYTES + 1;
    const res = await http(r.port, 'POST', `${V}/invocation/req-7/response`, Buffer.alloc(size, 0x61));
    expect(MAX_RESPONSE_BYTES).toBe(6291556);
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({ errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).', errorType: 'RequestEntityTooLarge' });
    expect(r.outcomes[0]).toMatchObject({ kind: 'error', errorType: 'Function.ResponseSizeTooLarge', platform: true });
    expect(JSON.parse(r.outcomes[0].body.toString())).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size (${size} bytes) exceeded maximum allowed payload size (6291556 bytes).`,
    });
  });

  test('a response of exactly 6291556 bytes is accepted', async () => {
    r.api.deliver(invocation('req-8'));
    await http(r.port, 'GET', `${V}/invocation/next`);
    const res = await http(r.port, 'POST', `${V}/invocation/req-8/response`, Buffer.alloc(MAX_RESPONSE_BYTES, 0x61));
    expect(res.status).toBe(202);
    expect(r.outcomes[0].kind).toBe('response');
    expect(r.outcomes[0].body.length).toBe(MAX_RESPONSE_BYTES);
  });

  test('unknown paths: 404 JSON; wrong methods: 405 JSON with Allow', async () => {
    for (const path of ['/', '/2018-06-01/runtime/invocation', `${V}/invocation/next/extra`, '/2020-01-01/runtime/invocation/next', `${V}/invocation/x/unknown`]) {
      const res = await http(r.port, 'GET', path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.json()).toMatchObject({ errorType: 'NotFound' });
    }
    const cases: Array<[string, string, string]> = [
      ['POST', `${V}/invocation/next`, 'GET'],
      ['GET', `${V}/invocation/abc/response`, 'POST'],
      ['PUT', `${V}/invocation/abc/error`, 'POST'],
      ['GET', `${V}/init/error`, 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await http(r.port, method, path, method === 'GET' ? undefined : '{}');
      expect([method, path, res.status]).toEqual([method, path, 405]);
      expect(res.headers.allow).toBe(allow);
      expect(res.json()).toMatchObject({ errorType: 'MethodNotAllowed' });
    }
  });

  test('a second next while one is waiting, or while an event is out: 403 InvalidStateTransition', async () => {
    const waiting = http(r.port, 'GET', `${V}/invocation/next`);
    // let the first next arrive before the second
    while (r.ready === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await http(r.port, 'GET', `${V}/invocation/next`);
    expect(second.status).toBe(403);
    expect(second.json().errorType).toBe('InvalidStateTransition');

    r.api.deliver(invocation('req-9'));
    expect((await waiting).status).toBe(200);
    const third = await http(r.port, 'GET', `${V}/invocation/next`);
    expect(third.status).toBe(403);
  });
});

describe('Runtime API: a runtime that goes away mid-request', () => {
  test('a response whose body is cut off: the caller gets Runtime.TruncatedResponse, the server stays up', async () => {
    const r = await startApi();
    try {
      r.api.deliver(invocation('req-cut'));
      await http(r.port, 'GET', `${V}/invocation/next`);
      await new Promise<void>((resolve) => {
        const socket = connect(r.port, '127.0.0.1', () => {
          socket.write(`POST ${V}/invocation/req-cut/response HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"partial":`);
          setImmediate(() => { socket.destroy(); resolve(); });
        });
      });
      for (let i = 0; i < 250 && r.outcomes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(r.outcomes).toHaveLength(1);
      expect(r.outcomes[0]).toMatchObject({ kind: 'error', errorType: 'Runtime.TruncatedResponse', platform: true });
      expect(JSON.parse(r.outcomes[0].body.toString()).errorMessage).toMatch(/^RequestId: req-cut Error: request body truncated after \d+ bytes$/);
      // the API still answers
      expect((await http(r.port, 'GET', `${V}/nowhere`)).status).toBe(404);
    } finally {
      await r.api.close();
    }
  });
});
