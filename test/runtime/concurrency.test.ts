/**
 * Lambda Managed Instances, end to end through the emulator and our client:
 * with `perEnvironmentConcurrency` (AWS_LAMBDA_MAX_CONCURRENCY) one execution
 * environment runs several invocations at once, in worker threads whose
 * module state overlapping invocations share, each with its own context,
 * request id and trace id in the invoke store.
 */
import { body, nodeFunction, useEmulator } from './helpers';
import { LambdaEmulator, nodejsCommand } from '../../src/runtime/emulator';
import { needs, prefetchedAwsRic, prefetchedBun, testNeeding } from '../helpers/external-tool';

const fixture = useEmulator((bootstrap) => {
  const fn = (name: string, handler: string, extra = {}) => nodeFunction(bootstrap, name, 'concurrent', handler, { timeoutSeconds: 10, ...extra });
  const oneWorker = { environment: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' } };
  return [
    fn('mi-shared', 'index.sharedState', { perEnvironmentConcurrency: 2, ...oneWorker }),
    fn('od-shared', 'index.sharedState'),
    fn('mi-limit', 'index.sleeps', { perEnvironmentConcurrency: 2, maxConcurrency: 1, ...oneWorker }),
    fn('mi-workers', 'index.sharedState', { perEnvironmentConcurrency: 3 }),
    fn('mi-timeout', 'index.sleeps', { perEnvironmentConcurrency: 2, timeoutSeconds: 1, ...oneWorker }),
    fn('mi-logs', 'index.logsAfterAwait', { perEnvironmentConcurrency: 2, ...oneWorker }),
    fn('mi-callback', 'index.callback', { perEnvironmentConcurrency: 2 }),
    fn('mi-uncaught', 'index.throwsLater', { perEnvironmentConcurrency: 2, ...oneWorker }),
    fn('od-callback', 'index.callback'),
    // our client as a custom runtime's loop (no AWS_EXECUTION_ENV): 4.x's rule, with its nodejs24.x message
    fn('mi-callback-custom', 'index.callback', { perEnvironmentConcurrency: 2, runtime: 'provided.al2023' }),
  ];
});
const { invoke, logs } = fixture;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Invokes `name` with A (waits long) and, 150 ms later, B (short): B runs while A waits. */
async function overlapping(name: string, extraA = {}, extraB = {}) {
  const a = invoke(name, { user: 'A', waitMs: 600, ...extraA });
  await sleep(150);
  const b = invoke(name, { user: 'B', waitMs: 10, ...extraB });
  return Promise.all([a, b]);
}

describe('Managed Instances: several invocations per environment', () => {
  test('two overlapping invocations run in one environment and share module state (the bug class)', async () => {
    const [a, b] = await overlapping('mi-shared');
    const [ra, rb] = [body(a), body(b)];
    // one environment, one worker: they overlapped in time
    expect(a.instanceId).toBe(b.instanceId);
    expect(fixture.emulator.instances('mi-shared')).toBe(1);
    expect(ra.threadId).toBe(rb.threadId);
    expect(rb.startedAt).toBeLessThan(ra.endedAt);
    // the module-level variable A wrote was overwritten by B while A awaited
    expect(ra.asked).toBe('A');
    expect(ra.user).toBe('B');
    expect(rb.user).toBe('B');
    // what belongs to each invocation stayed its own: context, invoke store (AsyncLocalStorage)
    expect(ra.requestId).toBe(a.requestId);
    expect(rb.requestId).toBe(b.requestId);
    expect(ra.storeRequestId).toBe(a.requestId);
    expect(rb.storeRequestId).toBe(b.requestId);
    expect(ra.storeTraceId).toMatch(/^Root=1-/);
    expect(rb.storeTraceId).toMatch(/^Root=1-/);
    expect(ra.storeTraceId).not.toBe(rb.storeTraceId);
    // one process-wide variable cannot hold two trace ids: unset, as AWS's client leaves it
    expect(ra.traceEnv).toBeNull();
    expect(ra.initializationType).toBe('lambda-managed-instances');
    expect(ra.maxConcurrency).toBe('2');
    // a worker thread, not the main thread
    expect(ra.threadId).toBeGreaterThan(0);
  }, 30_000);

  test('the same function without a capacity provider: two environments, nothing shared', async () => {
    const [a, b] = await overlapping('od-shared');
    expect(a.instanceId).not.toBe(b.instanceId);
    expect(body(a).user).toBe('A');
    expect(body(b).user).toBe('B');
    expect(body(a).traceEnv).toMatch(/^Root=1-/);
    expect(body(a).initializationType).toBe('on-demand');
    expect(body(a).maxConcurrency).toBeNull();
    expect(body(a).storeRequestId).toBe(a.requestId);
  }, 30_000);

  test('at most AWS_LAMBDA_MAX_CONCURRENCY at once per environment: a third invocation waits for a free slot', async () => {
    const results = await Promise.all([0, 1, 2].map(() => invoke('mi-limit', { waitMs: 500 })));
    const runs = results.map(body);
    expect(new Set(results.map((r) => r.instanceId)).size).toBe(1);
    const [first, second, third] = [...runs].sort((x, y) => x.startedAt - y.startedAt);
    // the first two overlap; the third starts only when one of them ended
    expect(second.startedAt).toBeLessThan(first.endedAt);
    expect(third.startedAt).toBeGreaterThanOrEqual(Math.min(first.endedAt, second.endedAt));
  }, 30_000);

  test('without AWS_LAMBDA_NODEJS_WORKER_COUNT the client starts worker threads (at most one per slot)', async () => {
    const results = await Promise.all([0, 1, 2].map((i) => invoke('mi-workers', { user: `u${i}`, waitMs: 300 })));
    expect(new Set(results.map((r) => r.instanceId)).size).toBe(1);
    for (const r of results) {
      expect(r.functionError).toBeUndefined();
      expect(body(r).threadId).toBeGreaterThan(0);
      expect(body(r).storeRequestId).toBe(r.requestId);
    }
  }, 30_000);

  test('a timeout fails that invocation only: the other one and the environment go on', async () => {
    const a = invoke('mi-timeout', { waitMs: 2500 });
    await sleep(100);
    const b = await invoke('mi-timeout', { waitMs: 10 });
    const timedOut = await a;
    expect(timedOut.errorType).toBe('Sandbox.Timedout');
    expect(b.functionError).toBeUndefined();
    expect(b.instanceId).toBe(timedOut.instanceId);
    const later = await invoke('mi-timeout', { waitMs: 10 });
    expect(later.functionError).toBeUndefined();
    expect(later.instanceId).toBe(timedOut.instanceId);
    expect(body(later).pid).toBe(body(b).pid);
  }, 30_000);

  test('an uncaught exception ends its worker as in AWS\'s 4.x client (no hooks): with one worker the process exits, the environment is replaced', async () => {
    const waiting = invoke('mi-uncaught', { waitMs: 800 });
    await sleep(150);
    const thrower = await invoke('mi-uncaught', { throwAfterMs: 50, waitMs: 800 });
    const other = await waiting;
    expect(thrower.errorType).toBe('Runtime.ExitError');
    expect(other.errorType).toBe('Runtime.ExitError');
    // each invocation's error document names its own request id
    expect(thrower.requestId).not.toBe(other.requestId);
    for (const result of [thrower, other]) {
      expect(JSON.parse(result.payload.toString()).errorMessage).toMatch(new RegExp(`^RequestId: ${result.requestId} Error: Runtime exited`));
    }
    // the worker's error was logged by the main thread
    expect(logs.filter((e) => e.functionName === 'mi-uncaught').map((e) => e.text).join('')).toContain('uncaught in a timer');
    expect(other.instanceId).toBe(thrower.instanceId);
    // its only worker ended, so did the process: the next invocation gets a fresh environment
    for (let i = 0; i < 100 && fixture.emulator.instances('mi-uncaught') > 0; i++) await sleep(50);
    expect(fixture.emulator.instances('mi-uncaught')).toBe(0);
    const next = await invoke('mi-uncaught', { waitMs: 0 });
    expect(next.functionError).toBeUndefined();
    expect(next.instanceId).not.toBe(thrower.instanceId);
  }, 30_000);

  test('log lines are JSON with the request id of the invocation whose code wrote them', async () => {
    const [a, b] = await overlapping('mi-logs');
    const text = logs.filter((e) => e.functionName === 'mi-logs' && e.stream === 'stdout').map((e) => e.text).join('');
    const lines = text.split('\n').filter((l) => l.includes('"done')).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    const byUser = Object.fromEntries(lines.map((l) => [l.message.split(' ')[1], l]));
    expect(byUser.A).toMatchObject({ level: 'INFO', requestId: a.requestId, message: 'done A' });
    expect(byUser.B).toMatchObject({ level: 'INFO', requestId: b.requestId, message: 'done B' });
  }, 30_000);

  test('a callback handler fails init on nodejs22.x with Managed Instances, with AWS\'s message', async () => {
    const refused = await invoke('mi-callback');
    expect(refused.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    expect(body(refused).errorMessage).toBe('ERROR: AWS Lambda does not support callback-based function handlers when using Node.js 22 '
      + 'with Managed Instances. To use Managed Instances, modify this function to use a supported handler signature. '
      + 'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
    // without a capacity provider nodejs22.x still runs it
    expect(body(await invoke('od-callback'))).toBe('called back');
    const custom = await invoke('mi-callback-custom');
    expect(custom.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    expect(body(custom).errorMessage).toMatch(/^ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24/);
  }, 30_000);
});

describe('Managed Instances on Bun (our client on the prefetched engine)', () => {
  testNeeding(needs.x64Host(), needs.bun('x64'))('worker threads and the invoke store work there too: overlapping invocations share module state', async () => {
    const emulator = await LambdaEmulator.start({
      functions: [nodeFunction(fixture.bootstrap, 'bun-mi', 'concurrent', 'index.sharedState', {
        command: nodejsCommand({ node: prefetchedBun('x64'), bootstrap: fixture.bootstrap }),
        perEnvironmentConcurrency: 2,
        timeoutSeconds: 10,
        environment: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' },
      })],
    });
    try {
      const a = emulator.invoke('bun-mi', JSON.stringify({ user: 'A', waitMs: 600 }));
      await sleep(150);
      const b = await emulator.invoke('bun-mi', JSON.stringify({ user: 'B', waitMs: 10 }));
      const ra = body(await a);
      expect(ra.user).toBe('B');
      expect(ra.storeRequestId).not.toBe(body(b).storeRequestId);
      expect(ra.threadId).toBeGreaterThan(0);
      expect(ra.pid).toBe(body(b).pid);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});

describe('cross-check: AWS\'s own client (aws-lambda-ric 4.0.2, prefetched by scripts/prefetch-aws-ric.sh) through the same emulator', () => {
  const ric = prefetchedAwsRic('4.0.2').entry;
  testNeeding(needs.awsRic('4.0.2'))('agrees with ours: one worker, shared module state, its own request and trace ids, the same init error', async () => {
    const config = (name: string, handler: string) => nodeFunction(fixture.bootstrap, name, 'concurrent', handler, {
      command: [process.execPath, ric!], perEnvironmentConcurrency: 2, timeoutSeconds: 10, environment: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' },
    });
    const emulator = await LambdaEmulator.start({ functions: [config('aws-mi', 'index.sharedState'), config('aws-callback', 'index.callback')] });
    try {
      const a = emulator.invoke('aws-mi', JSON.stringify({ user: 'A', waitMs: 600 }));
      await sleep(150);
      const b = await emulator.invoke('aws-mi', JSON.stringify({ user: 'B', waitMs: 10 }));
      const ra = body(await a);
      const rb = body(b);
      expect(ra).toMatchObject({ asked: 'A', user: 'B', traceEnv: null, initializationType: 'lambda-managed-instances', maxConcurrency: '2' });
      expect(ra.storeRequestId).toBe(ra.requestId);
      expect(rb.storeRequestId).toBe(rb.requestId);
      expect(ra.storeTraceId).not.toBe(rb.storeTraceId);
      expect(ra.threadId).toBe(rb.threadId);
      expect(ra.threadId).toBeGreaterThan(0);
      const refused = await emulator.invoke('aws-callback', '{}');
      const ours = await invoke('mi-callback');
      expect(refused.errorType).toBe(ours.errorType);
      expect(body(refused).errorMessage).toBe(body(ours).errorMessage);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
