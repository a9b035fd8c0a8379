/**
 * The handler contract per managed Node.js runtime, through the emulator and
 * our client: nodejs20.x and nodejs22.x keep AWS's client 3.x rules
 * (callbacks, context.done/succeed/fail, callbackWaitsForEmptyEventLoop);
 * from nodejs24.x on, Lambda's client 4.x refuses callback-style handlers at
 * init with Runtime.CallbackHandlerDeprecated and calls
 * `await handler(event, context)` (aws-lambda-ric 4.0.2
 * dist/function/callback-deprecation.js, dist/runtime/buffered-invoke-processor.js).
 */
import { body, nodeFunction, useEmulator } from './helpers';
import { CALLBACK_HANDLER_DEPRECATED_MESSAGE } from '../../src/runtime/ric/runtime-rules';

const RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
type Runtime = typeof RUNTIMES[number];
const HANDLERS = [
  'index.callback', 'index.asyncCallback', 'index.plainReturn', 'index.contextShape', 'index.usesSucceed',
  'index.bigint', 'index.throwsNull', 'index.throwsUndefinedSync', 'index.withProps', 'default-export.handler',
];
const id = (runtime: Runtime, handler: string) => `${runtime.replace('.', '_')}-${handler.replace('.', '_')}`;

const fixture = useEmulator((bootstrap) => RUNTIMES.flatMap((runtime) => [
  ...HANDLERS.map((handler) => nodeFunction(bootstrap, id(runtime, handler), 'node24', handler, { runtime })),
  nodeFunction(bootstrap, id(runtime, 'streaming.withContext'), 'streaming', 'index.withContext', { runtime }),
]));
const { invoke, logs } = fixture;
const stdout = (requestId: string) => logs.filter((l) => l.requestId === requestId && l.stream === 'stdout').map((l) => l.text).join('');
const allStdout = (name: string) => logs.filter((l) => l.functionName === name && l.stream === 'stdout').map((l) => l.text).join('');

const isNew = (runtime: Runtime) => runtime === 'nodejs24.x';

test('the message is the one of aws-lambda-ric 4.0.2 (dist/context/constants.js)', () => {
  expect(CALLBACK_HANDLER_DEPRECATED_MESSAGE).toBe('ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
});

describe.each(RUNTIMES)('%s', (runtime) => {
  const call = (handler: string, event: unknown = {}) => invoke(id(runtime, handler), event);

  test('a callback-style handler: runs before nodejs24.x, fails init with AWS\'s message from it', async () => {
    for (const handler of ['index.callback', 'index.asyncCallback']) {
      const result = await call(handler);
      if (!isNew(runtime)) {
        expect(result.functionError).toBeUndefined();
        expect(body(result)).toBe(handler === 'index.callback' ? 'via callback' : 'async with three parameters');
        continue;
      }
      expect(result.functionError).toBe('Unhandled');
      expect(result.errorType).toBe('Runtime.CallbackHandlerDeprecated');
      expect(body(result)).toMatchObject({ errorType: 'Runtime.CallbackHandlerDeprecated', errorMessage: CALLBACK_HANDLER_DEPRECATED_MESSAGE });
      // logged as 4.x logs an init failure: "Init Error", request id "-"
      expect(allStdout(id(runtime, handler))).toMatch(/\t-\tERROR\tInit Error \t\{"errorType":"Runtime\.CallbackHandlerDeprecated","errorMessage":"ERROR: AWS Lambda has removed support/);
    }
  });

  test('a streaming handler of three parameters (event, responseStream, context) is not callback-style: it streams on every runtime', async () => {
    const result = await call('streaming.withContext');
    expect(result.functionError).toBeUndefined();
    expect(result.streamed).toBe(true);
    const seen = JSON.parse(result.payload.toString('utf8'));
    expect(seen.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // the context of the runtime's contract: 4.x's from nodejs24.x on
    expect(seen).toMatchObject({ hasDone: !isNew(runtime), xRayTraceId: isNew(runtime) });
  });

  test('a plain function\'s return value: null before nodejs24.x, the result from it', async () => {
    const result = await call('index.plainReturn', { n: 5 });
    expect(result.functionError).toBeUndefined();
    expect(body(result)).toEqual(isNew(runtime) ? { plain: 5 } : null);
  });

  test('context: done/succeed/fail and callbackWaitsForEmptyEventLoop only before nodejs24.x, xRayTraceId from it', async () => {
    const result = await call('index.contextShape');
    const shape = body(result);
    const legacy = isNew(runtime) ? 'undefined' : 'function';
    expect(shape).toMatchObject({ succeed: legacy, fail: legacy, done: legacy, waitsFlag: !isNew(runtime) });
    expect(shape.traceEnv).toMatch(/^Root=1-/);
    expect(shape.xRayTraceId).toBe(isNew(runtime) ? shape.traceEnv : null);
  });

  test('context.succeed: the result before nodejs24.x, a TypeError from it', async () => {
    const result = await call('index.usesSucceed');
    if (!isNew(runtime)) {
      expect(result.functionError).toBeUndefined();
      expect(body(result)).toBe('ok');
    } else {
      expect(result.errorType).toBe('TypeError');
      expect(body(result).errorMessage).toBe('context.succeed is not a function');
    }
  });

  test('an unserializable result: Error before nodejs24.x, Runtime.JSONStringifyError from it, logged as Invoke Error', async () => {
    const result = await call('index.bigint');
    const errorType = isNew(runtime) ? 'Runtime.JSONStringifyError' : 'Error';
    expect(result.errorType).toBe(errorType);
    expect(body(result)).toMatchObject({ errorType, errorMessage: 'Unable to stringify response body' });
    expect(stdout(result.requestId)).toContain(`\tERROR\tInvoke Error \t{"errorType":"${errorType}","errorMessage":"Unable to stringify response body"`);
  });

  test('throw null: "handled" before nodejs24.x (context.fail), the value itself from it', async () => {
    const result = await call('index.throwsNull');
    expect(result.functionError).toBe('Unhandled');
    expect(body(result)).toEqual(isNew(runtime)
      ? { errorType: 'object', errorMessage: 'null', trace: [] }
      : { errorType: 'string', errorMessage: 'handled', trace: [] });
    expect(stdout(result.requestId)).toContain(`Invoke Error \t{"errorType":"Error","errorMessage":"${isNew(runtime) ? 'null' : 'handled'}"`);
  });

  test('a synchronous throw undefined: a success (callback(undefined)) before nodejs24.x, an error from it', async () => {
    const result = await call('index.throwsUndefinedSync');
    if (!isNew(runtime)) {
      expect(result.functionError).toBeUndefined();
      expect(body(result)).toBeNull();
    } else {
      expect(body(result)).toEqual({ errorType: 'undefined', errorMessage: 'undefined', trace: [] });
    }
  });

  test('an error\'s log line carries its stack, code and own properties', async () => {
    const result = await call('index.withProps');
    expect(result.errorType).toBe('Error');
    const line = stdout(result.requestId).split('\n').find((l) => l.includes('Invoke Error'))!;
    const logged = JSON.parse(line.slice(line.indexOf('Invoke Error \t') + 'Invoke Error \t'.length));
    expect(logged).toMatchObject({ errorType: 'Error', errorMessage: 'with properties', code: 'E_CUSTOM', detail: { id: 7 } });
    expect(logged.stack[0]).toBe('Error: with properties');
  });

  test('export default { handler }: not found before nodejs24.x, found from it', async () => {
    const result = await call('default-export.handler');
    if (isNew(runtime)) {
      expect(body(result)).toBe('from the default export');
    } else {
      expect(result.errorType).toBe('Runtime.HandlerNotFound');
      expect(body(result).errorMessage).toBe('default-export.handler is undefined or not exported');
      // 3.x's failed load reaches its uncaughtException hook; no request id yet
      expect(allStdout(id(runtime, 'default-export.handler'))).toMatch(/\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime\.HandlerNotFound"/);
    }
  });
});
