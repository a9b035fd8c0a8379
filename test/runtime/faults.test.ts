/**
 * Faults end to end, each as Lambda reports it, with nothing hung and
 * nothing lost: init failures, handler errors, the timeout, the process
 * exiting mid-invoke, uncaught errors, a response over 6 MB, a missing
 * bootstrap. After a fault that kills the environment, the next invocation
 * gets a fresh one.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { body, FIXTURES, nodeFunction, processGone, useEmulator } from './helpers';
import { LambdaEmulator, QEMU_ARM64_PREFIX } from '../../src/runtime/emulator';
import { ARM64_LOADER, needs, testNeeding } from '../helpers/external-tool';

const fixture = useEmulator((bootstrap) => {
  const fn = (name: string, handler: string, extra = {}) => nodeFunction(bootstrap, name, 'faults', handler, extra);
  return [
    fn('counter', 'index.counter'),
    fn('sleeps', 'index.sleeps', { timeoutSeconds: 1 }),
    fn('exits', 'index.exits'),
    fn('huge', 'index.huge'),
    fn('uncaught', 'index.uncaught'),
    fn('unhandled', 'index.unhandled'),
    // 120,000 log lines take about 2 s on a busy machine: more than the default 3 s deadline would allow for
    fn('noisy', 'index.noisy', { timeoutSeconds: 15 }),
    fn('init-exit', 'init-exit.handler'),
    fn('init-timeout', 'index.counter', { commandPrefix: [process.execPath, '-e', 'setTimeout(() => {}, 60000)', '--'], initTimeoutSeconds: 1 }),
    {
      name: 'no-bootstrap', codeDir: join(FIXTURES, 'faults'), handler: 'index.counter', command: [join(FIXTURES, 'faults', 'bootstrap')],
    },
    {
      name: 'provided',
      codeDir: join(FIXTURES, 'provided'),
      handler: 'index.handler',
      command: [join(FIXTURES, 'provided', 'bootstrap')],
      runtime: 'provided.al2023',
      environment: { ENGINE: process.execPath, RIC_BOOTSTRAP: bootstrap },
    },
  ];
});
const { invoke, logs } = fixture;

test('timeout: Sandbox.Timedout "Task timed out after 1.00 seconds", process killed, next invoke on a fresh instance', async () => {
  const first = await invoke('sleeps', { ms: 10 });
  expect(first.payload.toString()).toBe('"woke up"');
  const pid = environmentPid('sleeps');

  const timedOut = await invoke('sleeps', { ms: 30_000 });
  expect(timedOut.functionError).toBe('Unhandled');
  expect(body(timedOut)).toEqual({
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${timedOut.requestId} Error: Task timed out after 1.00 seconds`,
  });
  expect(timedOut.instanceId).toBe(first.instanceId);
  expect(await processGone(pid)).toBe(true);

  const after = await invoke('sleeps', { ms: 10 });
  expect(after.functionError).toBeUndefined();
  expect(after.instanceId).not.toBe(first.instanceId);
  expect(after.initDurationMs).toBeDefined();
});

test('process exits mid-invoke: Runtime.ExitError "exit status 2", next invoke on a fresh instance', async () => {
  const warm = await invoke('exits', {});
  expect(body(warm)).toEqual({
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${warm.requestId} Error: Runtime exited with error: exit status 2`,
  });
  expect(fixture.emulator.instances('exits')).toBe(0);
  const again = await invoke('exits', {});
  expect(again.errorType).toBe('Runtime.ExitError');
  expect(again.instanceId).not.toBe(warm.instanceId);
});

test('process exits during init, before next: Runtime.ExitError "exit status 3"', async () => {
  const result = await invoke('init-exit');
  expect(result.functionError).toBe('Unhandled');
  expect(body(result)).toEqual({
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: exit status 3`,
  });
});

test('init that never reaches next: killed at the init timeout', async () => {
  const result = await invoke('init-timeout');
  expect(result.functionError).toBe('Unhandled');
  expect(result.errorType).toBe('Sandbox.Timedout');
  expect(body(result).errorMessage).toBe(`RequestId: ${result.requestId} Error: Init timed out after 1.00 seconds`);
  expect(fixture.emulator.instances('init-timeout')).toBe(0);
});

test('response over 6291556 bytes: Function.ResponseSizeTooLarge; the instance stays warm', async () => {
  const small = await invoke('huge', { bytes: 10 });
  const big = await invoke('huge', { bytes: 6_291_556 });
  expect(big.functionError).toBe('Unhandled');
  // the JSON string adds two quotes
  expect(body(big)).toEqual({
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: 'Response payload size (6291558 bytes) exceeded maximum allowed payload size (6291556 bytes).',
  });
  const after = await invoke('huge', { bytes: 6_291_554 });
  expect(after.functionError).toBeUndefined();
  expect(after.payload.length).toBe(6_291_556);
  expect(after.instanceId).toBe(small.instanceId);
});

test('uncaught exception in a timer: the invocation gets the error, the process ends, the next invoke gets a fresh one', async () => {
  const result = await invoke('uncaught');
  expect(result.functionError).toBe('Unhandled');
  expect(body(result)).toMatchObject({ errorType: 'Error', errorMessage: 'thrown from a timer' });
  const again = await invoke('uncaught');
  expect(again.instanceId).not.toBe(result.instanceId);
});

test('unhandled rejection: Runtime.UnhandledPromiseRejection', async () => {
  const result = await invoke('unhandled');
  expect(result.errorType).toBe('Runtime.UnhandledPromiseRejection');
  expect(body(result).errorMessage).toBe('Error: nobody caught me');
});

test('missing bootstrap: Runtime.InvalidEntrypoint', async () => {
  const result = await invoke('no-bootstrap');
  expect(result.functionError).toBe('Unhandled');
  expect(body(result)).toEqual({
    errorType: 'Runtime.InvalidEntrypoint',
    errorMessage: `RequestId: ${result.requestId} Error: fork/exec ${join(FIXTURES, 'faults', 'bootstrap')}: no such file or directory`,
  });
});

test('a custom runtime (provided.al2023) bootstrap script that starts an engine on our client', async () => {
  const result = await invoke('provided', { n: 7 });
  expect(result.functionError).toBeUndefined();
  expect(body(result)).toEqual({ runtime: 'provided', executionEnv: null, event: { n: 7 } });
});

testNeeding(needs.qemuUser())('an arm64 process under the qemu-user prefix: it runs, its output is captured, its exit is a Runtime.ExitError', async () => {
  // the arm64 dynamic loader is an arm64 executable every arm64 cross libc has; `--version` prints and exits 0
  const loader = ARM64_LOADER;
  const own = await LambdaEmulator.start({
    functions: [{
      name: 'arm64',
      codeDir: join(FIXTURES, 'faults'),
      handler: 'x.y',
      architecture: 'arm64',
      commandPrefix: QEMU_ARM64_PREFIX,
      command: [loader, '--version'],
    }],
    onLog: (entry) => logs.push(entry),
  });
  try {
    const result = await own.invoke('arm64', '{}');
    expect(body(result)).toEqual({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${result.requestId} Error: Runtime exited without providing a reason` });
    const output = () => logs.filter((l) => l.functionName === 'arm64' && l.stream === 'stdout').map((l) => l.text).join('');
    for (let i = 0; i < 100 && !output().includes('ld.so'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(output()).toMatch(/^ld\.so \(.*GLIBC.*\) stable release version/);
  } finally {
    await own.close();
  }
});

test('one event at a time per instance: concurrent invokes start more instances, or wait when capped', async () => {
  const capped = await LambdaEmulator.start({
    functions: [
      nodeFunction(fixture.bootstrap, 'one', 'esm', 'index.slow', { maxConcurrency: 1 }),
      nodeFunction(fixture.bootstrap, 'two', 'esm', 'index.slow', { maxConcurrency: 2 }),
    ],
  });
  try {
    const one = await Promise.all([1, 2, 3].map(() => capped.invoke('one', '{}')));
    expect(new Set(one.map((r) => body(r).pid)).size).toBe(1);
    expect(Math.max(...one.map((r) => body(r).maxInFlight))).toBe(1);
    const two = await Promise.all([1, 2].map(() => capped.invoke('two', '{}')));
    expect(new Set(two.map((r) => body(r).pid)).size).toBe(2);
    expect(two.map((r) => body(r).maxInFlight)).toEqual([1, 1]);
  } finally {
    await capped.close();
  }
});

test('close() ends the processes of every instance', async () => {
  const own = await LambdaEmulator.start({ functions: [nodeFunction(fixture.bootstrap, 'c', 'faults', 'index.counter')] });
  const result = await own.invoke('c', '{}');
  const pid = body(result).pid;
  await own.close();
  expect(await processGone(pid)).toBe(true);
});

test('a log flood is passed on whole and the tail keeps the last 4 KB', async () => {
  const result = await invoke('noisy', { lines: 2000 });
  const passedOn = logs.filter((l) => l.requestId === result.requestId && l.stream === 'stdout').map((l) => l.text).join('');
  expect(passedOn.split('\n').filter((line) => /\tINFO\tline \d+$/.test(line))).toHaveLength(2000);
  expect(result.payload.toString()).toBe('"ok"');
  expect(Buffer.byteLength(result.logTail)).toBeLessThanOrEqual(4096);
  expect(result.logTail).toMatch(/line 1999\n/);
  expect(result.logTail).toMatch(/REPORT RequestId/);
});

/** pid of the one live instance of a function, read through the counter-like fixtures' own report. */
function environmentPid(name: string): number | undefined {
  const pools = (fixture.emulator as any).pools as Map<string, any>;
  const envs = [...pools.get(name).all] as Array<{ pid?: number }>;
  return envs[0]?.pid;
}

test('if the emulator\'s process is killed, its warm function process ends too (its Runtime API connection is gone)', async () => {
  // a separate Node.js process hosts an emulator, warms a function and prints the function's pid
  const script = `
    const { LambdaEmulator, nodejsCommand } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'runtime', 'emulator'))});
    (async () => {
      const emulator = await LambdaEmulator.start({ functions: [{ name: 'c', codeDir: ${JSON.stringify(join(FIXTURES, 'faults'))},
        handler: 'index.counter', command: nodejsCommand({ bootstrap: ${JSON.stringify(fixture.bootstrap)} }) }] });
      const result = await emulator.invoke('c', '{}');
      process.stdout.write(JSON.parse(result.payload.toString()).pid + '\\n');
    })();`;
  const host = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const pid = await new Promise<number>((resolve, reject) => {
      host.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      host.once('exit', (code) => reject(new Error(`host exited (${code})`)));
    });
    expect(pid).toBeGreaterThan(0);
    host.kill('SIGKILL');
    expect(await processGone(pid)).toBe(true);
  } finally {
    host.kill('SIGKILL');
  }
});

test('output larger than the pipe holds: the answer still comes after the log is out, the process stays up', async () => {
  // ~2.4 MB of log lines: the stdout pipe fills, so writes are still queued
  // when the handler returns; nothing else keeps the process's loop alive
  const result = await invoke('noisy', { lines: 120_000 });
  expect(result.errorType).toBeUndefined();
  expect(result.payload.toString()).toBe('"ok"');
  const again = await invoke('noisy', { lines: 10 });
  expect(again.instanceId).toBe(result.instanceId); // the same warm instance
});
