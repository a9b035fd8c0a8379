/**
 * Response streaming end to end: handlers made with
 * awslambda.streamifyResponse, run by our client in a real Node.js process,
 * stream through the emulator's Runtime API to an in-process listener and to
 * the Invoke API's response-streaming path (AWS event-stream framing).
 */
import { join } from 'node:path';
import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { body, FIXTURES, http, nodeFunction, useEmulator } from './helpers';
import { InvokeResult, MAX_STREAMED_RESPONSE_BYTES, readEventMessages, ResponseStreamListener } from '../../src/runtime/emulator';

const fixture = useEmulator((bootstrap) => [
  ...['chunks', 'prelude', 'failsMidway', 'notAsync', 'returnsValue', 'contentType', 'big'].map((h) =>
    nodeFunction(bootstrap, h, 'streaming', `index.${h}`, { timeoutSeconds: 30 })),
  nodeFunction(bootstrap, 'neverEnds', 'streaming', 'index.neverEnds', { timeoutSeconds: 1 }),
  nodeFunction(bootstrap, 'buffered', 'esm', 'index.handler'),
  nodeFunction(bootstrap, 'malformedMark', 'streaming', 'index.malformedMark'),
  {
    name: 'badMode',
    codeDir: join(FIXTURES, 'streaming'),
    handler: 'x.y',
    runtime: 'provided.al2023',
    command: [process.execPath, join(FIXTURES, 'streaming', 'bad-mode-runtime.mjs')],
  },
]);

interface Received {
  contentType?: string;
  chunks: Array<{ data: Buffer; at: number }>;
  text(): string;
}

/** Invokes `name` with a listener that records each chunk and when it came. */
async function stream(name: string, event: unknown = {}, listener: Partial<ResponseStreamListener> = {}):
Promise<{ result: InvokeResult; got: Received }> {
  const got: Received = { chunks: [], text: () => Buffer.concat(got.chunks.map((c) => c.data)).toString() };
  const result = await fixture.emulator.invoke(name, JSON.stringify(event), {
    onStream: {
      start: (contentType) => { got.contentType = contentType; },
      chunk: (data) => {
        got.chunks.push({ data: Buffer.from(data), at: Date.now() });
        return true;
      },
      whenReady: (resume) => resume(),
      ...listener,
    },
  });
  return { result, got };
}

describe('our client streams through the emulator', () => {
  test('chunks arrive as they are written, before the handler wrote the next', async () => {
    const { result, got } = await stream('chunks');
    expect(result.functionError).toBeUndefined();
    expect(result.streamed).toBe(true);
    expect(got.contentType).toBe('application/octet-stream');
    const written = [...got.text().matchAll(/(\w+)@(\d+);/g)].map((m) => ({ name: m[1], at: Number(m[2]) }));
    expect(written.map((w) => w.name)).toEqual(['one', 'two', 'three']);
    // the listener had "one" before "three" was even written: it was not buffered to the end
    const firstArrival = got.chunks.find((c) => c.data.toString().includes('one@'))!.at;
    expect(firstArrival).toBeLessThan(written[2].at);
    expect(got.chunks.length).toBeGreaterThanOrEqual(3);
  });

  test('HttpResponseStream.from: the integration content type, prelude JSON and 8 NUL bytes first', async () => {
    const { result, got } = await stream('prelude');
    expect(result.functionError).toBeUndefined();
    expect(got.contentType).toBe('application/vnd.awslambda.http-integration-response');
    const bytes = Buffer.concat(got.chunks.map((c) => c.data));
    const nul = bytes.indexOf(Buffer.alloc(8));
    expect(JSON.parse(bytes.subarray(0, nul).toString())).toEqual({
      statusCode: 201, headers: { 'content-type': 'text/plain', 'x-custom': 'yes' }, cookies: ['a=1; Path=/', 'b=2'],
    });
    expect(bytes.subarray(nul + 8).toString()).toBe('hello world');
  });

  test('a failure after a chunk: the chunk went out, the error trailers make it a function error', async () => {
    const { result, got } = await stream('failsMidway');
    expect(got.text()).toBe('partial');
    expect(result.functionError).toBe('Unhandled');
    expect(result.errorType).toBe('TypeError');
    expect(body(result)).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom after a chunk' });
    expect(body(result).trace[0]).toBe('TypeError: boom after a chunk');
    expect(fixture.logs.some((l) => l.requestId === result.requestId && /Invoke Error.*boom after a chunk/.test(l.text))).toBe(true);
  });

  test('a handler that is not async fails as in AWS\'s client', async () => {
    const { result } = await stream('notAsync');
    expect(result.errorType).toBe('Error');
    expect(body(result).errorMessage).toBe('Streaming does not support non-async handlers.');
  });

  test('a streaming mark other than "response": Runtime.MalformedStreamingHandler at init', async () => {
    const { result } = await stream('malformedMark');
    expect(result.errorType).toBe('Runtime.MalformedStreamingHandler');
    expect(body(result).errorMessage).toBe('Only response streaming is supported.');
  });

  test('a returned value is ignored, with AWS\'s warning', async () => {
    const { result, got } = await stream('returnsValue');
    expect(result.functionError).toBeUndefined();
    expect(got.text()).toBe('streamed');
    // the warning is printed after the stream ended (as in AWS's client): it may come just after the result
    const warned = () => fixture.logs.some((l) => l.requestId === result.requestId && l.text.includes('Streaming handlers ignore return values.'));
    await eventually(warned);
    expect(warned()).toBe(true);
  });

  test('content type before the first write; objects written as JSON; too late is InvalidStreamingOperation', async () => {
    const { got } = await stream('contentType');
    expect(got.contentType).toBe('text/csv');
    expect(got.text()).toBe('{"a":1}|Runtime.InvalidStreamingOperation: Cannot set content-type, too late.');
  });

  test('without a listener the streamed response is collected (past the 6 MB buffered limit)', async () => {
    const result = await fixture.emulator.invoke('big', JSON.stringify({ megabytes: 8 }));
    expect(result.functionError).toBeUndefined();
    expect(result.streamed).toBe(true);
    const mb8 = 8 * 1024 * 1024;
    expect(result.payload.subarray(0, mb8).every((b) => b === 0x78)).toBe(true);
    expect(result.payload.subarray(mb8).toString()).toMatch(/^\|waits=\d+$/);
  });

  test('back-pressure: a slow listener pauses the runtime, and the handler waits on write()', async () => {
    const sizes: number[] = [];
    const tail: Buffer[] = [];
    let held = 0;
    const { result } = await stream('big', { megabytes: 4 }, {
      chunk(data) {
        sizes.push(data.length);
        tail.push(Buffer.from(data.subarray(Math.max(0, data.length - 32))));
        // every 8th chunk the listener is "backed up" for 10 ms
        return sizes.length % 8 !== 0;
      },
      whenReady(resume) {
        held++;
        setTimeout(resume, 10);
      },
    });
    expect(result.functionError).toBeUndefined();
    expect(held).toBeGreaterThan(0);
    const end = /\|waits=(\d+)$/.exec(Buffer.concat(tail.slice(-2)).toString());
    expect(end).not.toBeNull();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(4 * 1024 * 1024 + end![0].length);
    // the handler saw write() return false and waited for 'drain'
    expect(Number(end![1])).toBeGreaterThan(0);
  });

  test('a stream left open times out, as on Lambda', async () => {
    const { result, got } = await stream('neverEnds');
    expect(got.text()).toBe('started');
    expect(result.errorType).toBe('Sandbox.Timedout');
  });

  test('an unknown response mode: the runtime gets 400 InvalidFunctionResponseMode, the caller Runtime.InvalidResponseModeHeader', async () => {
    const result = await fixture.emulator.invoke('badMode', '{}');
    expect(result.functionError).toBe('Unhandled');
    expect(result.errorType).toBe('Runtime.InvalidResponseModeHeader');
    const told = () => fixture.logs.some((l) => l.text.includes('runtime API answered 400 {"errorMessage":"Invalid function response mode","errorType":"InvalidFunctionResponseMode"}'));
    await eventually(told);
    expect(told()).toBe(true);
  });

  test('past the documented 200 MB streaming limit: Function.ResponseSizeTooLarge, nothing more passed on', async () => {
    expect(MAX_STREAMED_RESPONSE_BYTES).toBe(200 * 1024 * 1024);
    let passed = 0;
    const { result } = await stream('big', { megabytes: 201 }, {
      chunk(data) {
        passed += data.length;
        return true;
      },
    });
    expect(result.functionError).toBe('Unhandled');
    expect(result.errorType).toBe('Function.ResponseSizeTooLarge');
    expect(body(result).errorMessage).toBe(`Response payload size exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).`);
    expect(passed).toBeLessThanOrEqual(MAX_STREAMED_RESPONSE_BYTES);
    expect(passed).toBeGreaterThan(MAX_STREAMED_RESPONSE_BYTES - 1024 * 1024);
  }, 120_000);
});
describe('Invoke API: POST /2021-11-15/functions/{name}/response-streaming-invocations', () => {
  const invokeStream = async (name: string) => {
    const port = Number(new URL(fixture.emulator.url).port);
    const res = await httpBytes(port, `/2021-11-15/functions/${name}/response-streaming-invocations`, '{}');
    return { ...res, events: [...readEventMessages(res.body)] };
  };

  test('PayloadChunk events then InvokeComplete, with the function\'s content type', async () => {
    const { status, headers, events } = await invokeStream('chunks');
    expect(status).toBe(200);
    expect(headers['transfer-encoding']).toBe('chunked');
    expect(headers['content-type']).toBe('application/octet-stream');
    expect(headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const payload = events.filter((e) => e.eventType === 'PayloadChunk').map((e) => e.payload.toString()).join('');
    expect(payload).toMatch(/^one@\d+;two@\d+;three@\d+;$/);
    expect(events[events.length - 1].eventType).toBe('InvokeComplete');
    expect(JSON.parse(events[events.length - 1].payload.toString())).toEqual({});
  });

  test('a failure mid-stream: InvokeComplete carries ErrorCode and ErrorDetails', async () => {
    const { events } = await invokeStream('failsMidway');
    expect(events[0]).toMatchObject({ eventType: 'PayloadChunk' });
    expect(events[0].payload.toString()).toBe('partial');
    const complete = JSON.parse(events[events.length - 1].payload.toString());
    expect(complete.ErrorCode).toBe('TypeError');
    expect(JSON.parse(complete.ErrorDetails).errorMessage).toBe('boom after a chunk');
  });

  test('a buffered function answers in one PayloadChunk', async () => {
    const { events, headers } = await invokeStream('buffered');
    expect(headers['content-type']).toBe('application/json');
    expect(events.map((e) => e.eventType)).toEqual(['PayloadChunk', 'InvokeComplete']);
    expect(JSON.parse(events[0].payload.toString()).event).toEqual({});
  });

  test('the AWS SDK\'s InvokeWithResponseStreamCommand reads it (AWS\'s own event-stream decoder)', async () => {
    const client = new LambdaClient({
      endpoint: fixture.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    });
    try {
      const ok = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'prelude', Payload: Buffer.from('{}') }));
      expect(ok.StatusCode).toBe(200);
      expect(ok.ExecutedVersion).toBe('$LATEST');
      expect(ok.ResponseStreamContentType).toBe('application/vnd.awslambda.http-integration-response');
      const chunks: Buffer[] = [];
      const completes: unknown[] = [];
      for await (const event of ok.EventStream!) {
        if (event.PayloadChunk?.Payload) chunks.push(Buffer.from(event.PayloadChunk.Payload));
        if (event.InvokeComplete) completes.push(event.InvokeComplete);
      }
      const bytes = Buffer.concat(chunks);
      expect(bytes.subarray(bytes.indexOf(Buffer.alloc(8)) + 8).toString()).toBe('hello world');
      expect(completes).toEqual([{}]);

      const failed = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'failsMidway', Payload: Buffer.from('{}') }));
      const events = [];
      for await (const event of failed.EventStream!) events.push(event);
      expect(Buffer.from(events[0].PayloadChunk!.Payload!).toString()).toBe('partial');
      expect(events[events.length - 1].InvokeComplete).toMatchObject({ ErrorCode: 'TypeError' });
      expect(JSON.parse(events[events.length - 1].InvokeComplete!.ErrorDetails!).errorMessage).toBe('boom after a chunk');
    } finally {
      client.destroy();
    }
  });

  test('the buffered Invoke path still answers a streaming function in one body', async () => {
    const port = Number(new URL(fixture.emulator.url).port);
    const res = await http(port, 'POST', '/2015-03-31/functions/returnsValue/invocations', '{}');
    expect(res.status).toBe(200);
    expect(res.text).toBe('streamed');
  });
});

/** POST with node:http; the whole answer as bytes. */
function httpBytes(port: number, path: string, data: string): Promise<{ status: number; headers: Record<string, any>; body: Buffer }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { request } = require('node:http') as typeof import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Waits (at most 2 s) until `ok()` holds: output of another process may come just after the answer. */
async function eventually(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}
