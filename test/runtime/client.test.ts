/**
 * End to end: the emulator runs fixture handlers with our runtime interface
 * client in a real Node.js process; the managed Node.js runtime's semantics
 * (module formats, handler styles, context, errors) and real events.
 */
import { body, nodeFunction, useEmulator } from './helpers';
import { loadEvent } from '../helpers/fixtures';

const ESM_HANDLERS = [
  'handler', 'http', 'sqs', 'kafka', 'nested.deeper.handler', 'notAFunction', 'missing', 'throws', 'throwsString',
  'rejectsUndefined', 'neverSettles', 'returnsNothing', 'callbackWaits', 'callbackError', 'contextSucceed', 'contextFail', 'unserializable',
];

const fixture = useEmulator((bootstrap) => {
  const fn = (name: string, dir: string, handler: string, extra = {}) => nodeFunction(bootstrap, name, dir, handler, extra);
  return [
    ...ESM_HANDLERS.map((h) => fn(`esm-${h}`, 'esm', `index.${h}`, { memorySize: 256, timeoutSeconds: 5, environment: { GREETING: 'hi' } })),
    fn('cjs', 'cjs', 'index.handler'),
    fn('cjs-nested-js', 'cjs', 'lib/nested.handler'),
    fn('esm-js-type-module', 'typemodule', 'src/app.handler'),
    fn('logs-text', 'esm', 'index.logsEverything'),
    fn('logs-json', 'esm', 'index.logsEverything', { logFormat: 'JSON', applicationLogLevel: 'info' }),
    fn('fetch-transport', 'esm', 'index.handler', { environment: { TS_LAMBDA_RIC_TRANSPORT: 'fetch' } }),
    fn('fetch-callbackWaits', 'esm', 'index.callbackWaits', { environment: { TS_LAMBDA_RIC_TRANSPORT: 'fetch' } }),
    fn('fetch-throws', 'esm', 'index.throws', { environment: { TS_LAMBDA_RIC_TRANSPORT: 'fetch' } }),
    fn('malformed', 'esm', 'index'),
    fn('dotdot', 'esm', '../esm/index.handler'),
    fn('no-module', 'esm', 'nothing-here.handler'),
    fn('syntax', 'faults', 'syntax.handler'),
    fn('init-throws', 'faults', 'init-throws.handler'),
    fn('imports-missing', 'faults', 'imports-missing.handler'),
  ];
});
const { invoke, logs } = fixture;

describe('handler loading', () => {
  test('ES module (.mjs)', async () => {
    const result = await invoke('esm-handler', { kind: 'esm' });
    expect(result.functionError).toBeUndefined();
    expect(body(result).event).toEqual({ kind: 'esm' });
  });

  test('CommonJS (.cjs): module.exports, as require() gives it', async () => {
    const result = await invoke('cjs', { n: 1 });
    expect(body(result)).toEqual({ format: 'cjs', name: 'cjs', event: { n: 1 } });
  });

  test('.js in a nested folder under "type": "commonjs", callback-style', async () => {
    expect(body(await invoke('cjs-nested-js'))).toEqual({ format: 'cjs-js', dir: 'lib' });
  });

  test('.js under "type": "module" is an ES module', async () => {
    expect(body(await invoke('esm-js-type-module'))).toEqual({ format: 'esm-js', meta: 'string' });
  });

  test('nested export path (file.a.b.handler)', async () => {
    expect(body(await invoke('esm-nested.deeper.handler'))).toBe('nested-ok');
  });

  test.each([
    ['esm-missing', 'Runtime.HandlerNotFound', 'index.missing is undefined or not exported'],
    ['esm-notAFunction', 'Runtime.HandlerNotFound', 'index.notAFunction is not a function'],
    ['malformed', 'Runtime.MalformedHandlerName', 'Bad handler'],
    ['dotdot', 'Runtime.MalformedHandlerName', "'../esm/index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names."],
  ])('%s: init error %s', async (name, errorType, errorMessage) => {
    const result = await invoke(name);
    expect(result.functionError).toBe('Unhandled');
    expect(result.errorType).toBe(errorType);
    expect(body(result)).toMatchObject({ errorType, errorMessage });
    expect(Array.isArray(body(result).trace)).toBe(true);
  });

  test.each([
    ['no-module', 'Runtime.ImportModuleError', /^Error: Cannot find module 'nothing-here'/],
    ['syntax', 'Runtime.UserCodeSyntaxError', /^SyntaxError: /],
    // an ES module's missing import is not wrapped by AWS's client (aws-lambda-ric loadModule wraps MODULE_NOT_FOUND only)
    ['imports-missing', 'Error', /^Cannot find package 'a-package-that-is-not-installed' imported from .*imports-missing\.mjs$/],
    ['init-throws', 'Error', /^cannot start: missing configuration$/],
  ])('%s: init error %s', async (name, errorType, message) => {
    const result = await invoke(name);
    expect(result.functionError).toBe('Unhandled');
    expect(result.errorType).toBe(errorType);
    expect(body(result).errorType).toBe(errorType);
    expect(body(result).errorMessage).toMatch(message);
    // init failed: the environment is gone, the next invoke starts a fresh one
    expect(fixture.emulator.instances(name)).toBe(0);
  });
});

describe('context, environment and invocation data', () => {
  test('the context object and the environment Lambda sets', async () => {
    const result = await fixture.emulator.invoke('esm-handler', {
      payload: '{"kind":"ctx"}',
      requestId: 'c0ffee00-0000-4000-8000-000000000001',
      traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
      clientContext: '{"client":{"installation_id":"i-1"},"custom":{"k":"v"}}',
      cognitoIdentity: '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
    });
    const out = body(result);
    expect(result.requestId).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(out.context).toMatchObject({
      awsRequestId: 'c0ffee00-0000-4000-8000-000000000001',
      functionName: 'esm-handler',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:012345678912:function:esm-handler',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/esm-handler',
      clientContext: { client: { installation_id: 'i-1' }, custom: { k: 'v' } },
      identity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(out.context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(out.context.remaining).toBeGreaterThan(0);
    expect(out.context.remaining).toBeLessThanOrEqual(5000);
    expect(out.env).toEqual({
      trace: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_ACCESS_KEY_ID: 'ASIAEMULATOREXAMPLE0',
      LAMBDA_TASK_ROOT: expect.stringMatching(/fixtures\/esm$/),
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      GREETING: 'hi',
      // nothing leaks from the host
    });
    expect(out.cwd).toBe(out.env.LAMBDA_TASK_ROOT);
  });

  test('each invocation gets its own request id and trace id; the instance stays warm', async () => {
    const a = body(await invoke('esm-handler'));
    const b = body(await invoke('esm-handler'));
    expect(a.context.awsRequestId).not.toBe(b.context.awsRequestId);
    expect(a.env.trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0/);
    expect(a.env.trace).not.toBe(b.env.trace);
    expect(b.pid).toBe(a.pid);
    expect(b.invocations).toBe(a.invocations + 1);
    // no client context or identity unless given
    expect(a.context.clientContext).toBeUndefined();
    expect(a.context.identity).toBeUndefined();
  });

  test('console output is framed with time, request id and level, and reaches the log listener', async () => {
    const result = await invoke('esm-handler', { kind: 'logged' });
    // the function's stdout is a pipe of its own: its text may arrive just after the result
    const stdout = () => logs.filter((l) => l.requestId === result.requestId && l.stream === 'stdout').map((l) => l.text).join('');
    for (let i = 0; i < 250 && !stdout().includes('\n'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const lines = stdout();
    expect(lines).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[^\\t]+Z\\t${result.requestId}\\tINFO\\tevent received logged\\n`));
    const platform = logs.filter((l) => l.requestId === result.requestId && l.stream === 'platform').map((l) => l.text);
    expect(platform[0]).toBe(`START RequestId: ${result.requestId} Version: $LATEST\n`);
    expect(platform[platform.length - 1]).toMatch(new RegExp(`^REPORT RequestId: ${result.requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\t(Init Duration: [\\d.]+ ms\\t)?\\n$`));
    expect(result.logTail).toContain(`START RequestId: ${result.requestId}`);
    expect(result.maxMemoryUsedMB).toBeGreaterThan(0);
    expect(result.memorySizeMB).toBe(256);
  });

  test('text log format: every level, one framed line per call', async () => {
    const result = await invoke('logs-text');
    const lines = (await stdoutOf(result.requestId)).split('\n').filter(Boolean).map((l) => l.split('\t'));
    expect(lines.map((l) => l[2])).toEqual(['TRACE', 'DEBUG', 'INFO', 'INFO', 'WARN', 'ERROR', 'FATAL']);
    expect(lines.every((l) => l[1] === result.requestId)).toBe(true);
    expect(lines[2][3]).toBe('an info { n: 1 }');
    // an error's stack stays in its record: inner newlines become \r
    expect(lines[5][3]).toMatch(/^failed: RangeError: too far\r {4}at /);
  });

  test('JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON): records with level, request id, message; below AWS_LAMBDA_LOG_LEVEL dropped', async () => {
    const result = await invoke('logs-json');
    const records = (await stdoutOf(result.requestId)).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(records.map((r) => r.level)).toEqual(['INFO', 'INFO', 'WARN', 'ERROR', 'FATAL']);
    expect(records.every((r) => r.requestId === result.requestId && /Z$/.test(r.timestamp))).toBe(true);
    expect(records[0].message).toBe('an info { n: 1 }');
    expect(records[1].message).toEqual({ structured: true });
    expect(records[3]).toMatchObject({ message: expect.stringMatching(/^failed: RangeError: too far/), errorType: 'RangeError', errorMessage: 'too far' });
    expect(records[3].stackTrace[0]).toBe('RangeError: too far');
  });

  test.each([['esm-handler'], ['fetch-transport']])('%s: a client context and Cognito identity with non-ASCII text arrive intact (UTF-8 header values)', async (name) => {
    const clientContext = { client: { app_title: 'Café 東京 🚀' }, custom: { note: 'Ã© stays Ã©' } };
    const identity = { cognitoIdentityId: 'id-ü', cognitoIdentityPoolId: 'pool-1' };
    const result = await fixture.emulator.invoke(name, {
      payload: '{"kind":"ctx"}',
      clientContext: JSON.stringify(clientContext),
      cognitoIdentity: JSON.stringify(identity),
    });
    expect(result.functionError).toBeUndefined();
    expect(body(result).context).toMatchObject({ clientContext, identity });
  });

  test('the fetch transport (engines without node:net) works the same: results, errors, waiting for the event loop', async () => {
    const result = await invoke('fetch-transport', { kind: 'fetch' });
    expect(result.functionError).toBeUndefined();
    expect(body(result).event).toEqual({ kind: 'fetch' });
    expect(body(await invoke('fetch-callbackWaits', { wait: true }))).toEqual({ timer: 'fired' });
    expect(body(await invoke('fetch-callbackWaits', { wait: false }))).toEqual({ timer: 'pending' });
    const failed = await invoke('fetch-throws');
    expect(failed.errorType).toBe('TypeError');
    expect(body(failed).errorMessage).toBe('bad input');
  });
});

/** The stdout the function wrote during an invocation (it may arrive just after the result). */
async function stdoutOf(requestId: string): Promise<string> {
  const text = () => logs.filter((l) => l.requestId === requestId && l.stream === 'stdout').map((l) => l.text).join('');
  for (let i = 0; i < 100 && !text().endsWith('\n'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return text();
}

describe('handler styles and errors', () => {
  test('thrown Error: errorType, errorMessage and trace lines', async () => {
    const result = await invoke('esm-throws');
    expect(result.functionError).toBe('Unhandled');
    expect(result.errorType).toBe('TypeError');
    const error = body(result);
    expect(error.errorType).toBe('TypeError');
    expect(error.errorMessage).toBe('bad input');
    expect(error.trace[0]).toBe('TypeError: bad input');
    expect(error.trace[1]).toMatch(/at .*fixtures\/esm\/index\.mjs/);
  });

  test('thrown string: errorType string, empty trace', async () => {
    expect(body(await invoke('esm-throwsString'))).toEqual({ errorType: 'string', errorMessage: 'just a string', trace: [] });
  });

  test('promise rejected with undefined: "handled"', async () => {
    expect(body(await invoke('esm-rejectsUndefined'))).toEqual({ errorType: 'string', errorMessage: 'handled', trace: [] });
  });

  test('async handler that never settles: Runtime.NodeJsExit', async () => {
    const result = await invoke('esm-neverSettles');
    expect(result.errorType).toBe('Runtime.NodeJsExit');
    expect(body(result).errorMessage).toMatch(/Promise that was never settled/);
  });

  test('plain handler that neither returns nor calls back: null result', async () => {
    const result = await invoke('esm-returnsNothing');
    expect(result.functionError).toBeUndefined();
    expect(result.payload.toString()).toBe('null');
  });

  test('callback with callbackWaitsForEmptyEventLoop = true: answered when the event loop is empty', async () => {
    expect(body(await invoke('esm-callbackWaits', { wait: true }))).toEqual({ timer: 'fired' });
  });

  test('callback with callbackWaitsForEmptyEventLoop = false: answered at once', async () => {
    expect(body(await invoke('esm-callbackWaits', { wait: false }))).toEqual({ timer: 'pending' });
  });

  test('callback(error)', async () => {
    const result = await invoke('esm-callbackError');
    expect(result.errorType).toBe('RangeError');
    expect(body(result).errorMessage).toBe('out of range');
  });

  test('context.succeed and context.fail', async () => {
    expect(body(await invoke('esm-contextSucceed'))).toEqual({ via: 'succeed' });
    const failed = await invoke('esm-contextFail');
    expect(failed.functionError).toBe('Unhandled');
    expect(body(failed).errorMessage).toBe('via fail');
  });

  test('a result JSON cannot encode: error "Unable to stringify response body"', async () => {
    const result = await invoke('esm-unserializable');
    expect(result.functionError).toBe('Unhandled');
    expect(body(result)).toMatchObject({ errorType: 'Error', errorMessage: 'Unable to stringify response body' });
  });
});

describe('real events (test/fixtures/events)', () => {
  test('API Gateway HTTP API payload 2.0 → proxy result', async () => {
    const event = loadEvent('example-apigw-v2-request-multi-value-parameters.json');
    const result = body(await invoke('esm-http', event));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ method: 'GET', path: '/my/path', query: { Parameter1: 'value1,value2' } });
  });

  test('SQS → partial batch response names the messages that failed', async () => {
    const rust = await invoke('esm-sqs', loadEvent('example-sqs-event.json'));
    expect(body(rust)).toEqual({ batchItemFailures: [{ itemIdentifier: 'MessageID_1' }] });
    const powertools = await invoke('esm-sqs', loadEvent('powertools-ts-sqs.json'));
    expect(body(powertools)).toEqual({ batchItemFailures: [{ itemIdentifier: '059f36b4-87a3-44ab-83d2-661975830a7d' }] });
  });

  test('Kafka → base64 record values decoded', async () => {
    const result = body(await invoke('esm-kafka', loadEvent('example-kafka-event.json')));
    expect(result).toEqual({ eventSource: 'aws:kafka', out: { 'AWSKafkaTopic-0': ['8d5596b4-1813-4238-b24b-6dad8e3d1c0c'] } });
  });
});
