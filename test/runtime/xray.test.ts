/**
 * TracingConfig through the real emulator and our client: the sampling
 * decision a function sees in `_X_AMZN_TRACE_ID` (Active: as Lambda samples;
 * PassThrough: not sampled unless the caller's header says so), and the
 * stand-in X-Ray daemon that receives what a function sends to
 * AWS_XRAY_DAEMON_ADDRESS (the fixture sends the daemon protocol by hand).
 */
import { createSocket } from 'node:dgram';
import { buildClient, nodeFunction } from './helpers';
import { LambdaEmulator } from '../../src/runtime/emulator';
import { ActiveSampler, invocationTraceHeader, samplingDecision, XRayDaemon } from '../../src/runtime/emulator/xray';

const client = buildClient();
let emulator: LambdaEmulator;

beforeAll(async () => {
  emulator = await LambdaEmulator.start({
    functions: [
      nodeFunction(client.bootstrap, 'active', 'xray', 'index.env', { tracing: 'Active' }),
      nodeFunction(client.bootstrap, 'passthrough', 'xray', 'index.env', { tracing: 'PassThrough' }),
      nodeFunction(client.bootstrap, 'default', 'xray', 'index.env'),
      nodeFunction(client.bootstrap, 'sender', 'xray', 'index.segments', { tracing: 'Active' }),
    ],
  });
});

afterAll(async () => {
  await emulator?.close();
  client.cleanup();
});

async function seen(name: string, traceId?: string): Promise<{ trace: string; daemon: string; contextMissing: string }> {
  const result = await emulator.invoke(name, '{}', traceId ? { traceId } : {});
  expect(result.functionError).toBeUndefined();
  const body = JSON.parse(result.payload.toString());
  expect(body.trace).toBe(result.traceId);
  return body;
}

const ROOT = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8';

describe('sampling decision in _X_AMZN_TRACE_ID', () => {
  test('Active: the first invocation (the first of its second) is sampled; the daemon address is a local one', async () => {
    const body = await seen('active');
    expect(body.trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1;Lineage=/);
    expect(body.daemon).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(body.daemon).not.toBe('127.0.0.1:0');
    expect(body.contextMissing).toBe('LOG_ERROR');
  });

  test('PassThrough (and no mode): a new trace is not sampled; the daemon address is Lambda\'s', async () => {
    for (const name of ['passthrough', 'default']) {
      const body = await seen(name);
      expect(samplingDecision(body.trace)).toBe('0');
      expect(body.daemon).toBe('169.254.79.129:2000');
    }
  });

  test('an incoming decision is kept in both modes', async () => {
    expect((await seen('passthrough', `${ROOT};Sampled=1`)).trace).toBe(`${ROOT};Sampled=1`);
    expect((await seen('active', `${ROOT};Sampled=0`)).trace).toBe(`${ROOT};Sampled=0`);
  });

  test('Active: an incoming header without a decision gets one; PassThrough leaves it as it came', async () => {
    expect(samplingDecision((await seen('active', ROOT)).trace)).toMatch(/^[01]$/);
    expect((await seen('active', ROOT)).trace.startsWith(`${ROOT};Sampled=`)).toBe(true);
    expect((await seen('passthrough', ROOT)).trace).toBe(ROOT);
  });

  test('a tracing mode other than Active or PassThrough is refused, naming the function', () => {
    expect(() => emulator.addFunction(nodeFunction(client.bootstrap, 'bad', 'xray', 'index.env', { tracing: 'Disabled' as any })))
      .toThrow("function bad: tracing 'Disabled': give 'Active' or 'PassThrough'");
  });
});

describe('Lambda\'s sampling rule (Active)', () => {
  /** a seeded generator: the test's figures are the same on every run */
  function lcg(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1664525 + 1013904223) % 4294967296;
      return state / 4294967296;
    };
  }

  test('the first request of each second is sampled, and about 5% of the others', () => {
    let now = 1_700_000_000_000;
    const sampler = new ActiveSampler(lcg(42), () => now);
    expect(sampler.sample()).toBe(true);
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) if (sampler.sample()) sampled++;
    // 5% of 10,000
    expect(sampled).toBeGreaterThan(400);
    expect(sampled).toBeLessThan(600);
    now += 1000;
    expect(sampler.sample()).toBe(true);
    now += 999;
    // the same second (1,700,000,001.999): the reservoir is used, the random draw decides
    const never = new ActiveSampler(() => 0.99, () => now);
    expect(never.sample()).toBe(true);
    expect(never.sample()).toBe(false);
    now += 1;
    expect(never.sample()).toBe(true);
  });

  test('Sampled=? asks for a decision: Active makes it; PassThrough changes nothing', () => {
    const header = invocationTraceHeader(`${ROOT};Sampled=?`, 'Active', new ActiveSampler(() => 0.99, () => 0), () => 'new');
    expect(header).toBe(`${ROOT};Sampled=1`);
    expect(invocationTraceHeader(undefined, 'PassThrough', undefined, () => 'new')).toBeUndefined();
    // PassThrough: what came is what runs
    expect(invocationTraceHeader(ROOT, 'PassThrough', undefined, () => 'new')).toBe(ROOT);
    expect(invocationTraceHeader(`${ROOT};Sampled=1`, 'PassThrough', undefined, () => 'new')).toBe(`${ROOT};Sampled=1`);
  });
});

describe('stand-in X-Ray daemon', () => {
  test('the segments a function sends are counted for its trace', async () => {
    const result = await emulator.invoke('sender', JSON.stringify({ count: 3 }));
    expect(result.functionError).toBeUndefined();
    expect(JSON.parse(result.payload.toString()).sent).toBe(3);
    expect(await emulator.xraySegments(result.traceId)).toBe(3);
    // another trace has its own count
    const next = await emulator.invoke('sender', JSON.stringify({ count: 1 }));
    expect(await emulator.xraySegments(next.traceId)).toBe(1);
    expect(await emulator.xraySegments(result.traceId)).toBe(3);
  });

  test('bad datagrams are dropped: they neither count nor stop the daemon', async () => {
    const result = await emulator.invoke('sender', JSON.stringify({ count: 2, garbage: true }));
    expect(result.functionError).toBeUndefined();
    expect(await emulator.xraySegments(result.traceId)).toBe(2);
    const after = await emulator.invoke('sender', JSON.stringify({ count: 1 }));
    expect(await emulator.xraySegments(after.traceId)).toBe(1);
  });

  test('the daemon counts the bad datagrams, and closes', async () => {
    const daemon = XRayDaemon.start();
    const [host, port] = (await daemon.address).split(':');
    const socket = createSocket('udp4');
    const send = (text: string) => new Promise<void>((resolve, reject) => socket.send(text, Number(port), host, (e) => (e ? reject(e) : resolve())));
    try {
      await send('{"format": "json", "version": 1}\n{"trace_id": "1-5759e988-bd862e3fe1be46a994272793", "name": "a"}');
      await send('garbage');
      await send('{"format": "json", "version": 2}\n{"trace_id": "1-5759e988-bd862e3fe1be46a994272793"}');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(daemon.segments(ROOT)).toBe(1);
      expect(daemon.segments('1-5759e988-bd862e3fe1be46a994272793')).toBe(1);
      expect(daemon.bad).toBe(2);
    } finally {
      socket.close();
      await daemon.close();
    }
    await daemon.close();
  });

  test('a PassThrough-only emulator opens no daemon', async () => {
    const other = await LambdaEmulator.start({ functions: [nodeFunction(client.bootstrap, 'p', 'xray', 'index.env')] });
    try {
      const result = await other.invoke('p', '{}');
      expect(await other.xraySegments(result.traceId)).toBe(0);
      expect((other as any).xray).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
