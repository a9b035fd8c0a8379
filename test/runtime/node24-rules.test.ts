/**
 * The handler contract per managed Node.js runtime, through the emulator and
 * our client: nodejs20.x and nodejs22.x keep AWS's client 3.x rules
 * (callbacks, context.done/succeed/fail, callbackWaitsForEmptyEventLoop);
 * from nodejs24.x on, Lambda's client 4.x refuses callback-style handlers at
 * init with Runtime.CallbackHandlerDeprecated and calls
 * `await handler(event, context)` (aws-lambda-ric 4.0.2
 * dist/function/callback-deprecation.js, dist/runtime/buffered-invoke-processor.js).
 * A nodejs22.x function on Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY
 * set) gets 4.x's rules too, as Lambda runs 4.x there, with the Node.js 22
 * message for a callback handler; its log lines are JSON.
 */
import { body, nodeFunction, useEmulator } from './helpers';
import { FunctionConfig } from '../../src/runtime/emulator';
import { CALLBACK_HANDLER_DEPRECATED_MESSAGE, CALLBACK_HANDLER_MANAGED_INSTANCES_MESSAGE } from '../../src/runtime/ric/runtime-rules';

const MI = 'nodejs22.x on Managed Instances';
const RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x', MI] as const;
type Runtime = typeof RUNTIMES[number];
/** A function's runtime and, on Managed Instances, AWS_LAMBDA_MAX_CONCURRENCY (invocations here go one at a time) with one worker thread. */
const settings = (runtime: Runtime): Partial<FunctionConfig> => (runtime === MI
  ? { runtime: 'nodejs22.x', perEnvironmentConcurrency: 2, environment: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' } }
  : { runtime });
const HANDLERS = [
  'index.callback', 'index.asyncCallback', 'index.plainReturn', 'index.contextShape', 'index.usesSucceed',
  'index.bigint', 'index.throwsNull', 'index.throwsUndefinedSync', 'index.withProps', 'default-export.handler',
];
const id = (runtime: Runtime, handler: string) => `${runtime.replace('.', '_').replace(/ /g, '_')}-${handler.replace('.', '_')}`;

const fixture = useEmulator((bootstrap) => RUNTIMES.flatMap((runtime) => [
  ...HANDLERS.map((handler) => nodeFunction(bootstrap, id(runtime, handler), 'node24', handler, settings(runtime))),
  nodeFunction(bootstrap, id(runtime, 'streaming.withContext'), 'streaming', 'index.withContext', settings(runtime)),
]));
const { invoke, logs } = fixture;
const allStdout = (name: string) => logs.filter((l) => l.functionName === name && l.stream === 'stdout').map((l) => l.text).join('');

/** AWS's client 4.x's rules: nodejs24.x, and nodejs22.x on Managed Instances. */
const isNew = (runtime: Runtime) => runtime === 'nodejs24.x' || runtime === MI;

/**
 * The error record logged under `label` (`Init Error`, `Invoke Error`) in
 * `text`, from a text line (`time\trequestId\tLEVEL\tlabel \t{...}`) or a
 * JSON one (Managed Instances: `{"level":...,"requestId":...,"message":"label \t{...}"}`).
 */
function loggedError(text: string, label: string): { requestId: string; level: string; error: any } | undefined {
  for (const line of text.split('\n')) {
    const [, requestId, level, message] = line.startsWith('{')
      ? [undefined, JSON.parse(line).requestId, JSON.parse(line).level, JSON.parse(line).message]
      : /^\S+\t([^\t]*)\t([A-Z]+)\t(.*)$/.exec(line) ?? [];
    if (typeof message === 'string' && message.startsWith(`${label} \t`)) {
      return { requestId, level, error: JSON.parse(message.slice(label.length + 2)) };
    }
  }
  return undefined;
}

test('the messages are the ones of aws-lambda-ric 4.0.2 (dist/context/constants.js)', () => {
  expect(CALLBACK_HANDLER_DEPRECATED_MESSAGE).toBe('ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
  expect(CALLBACK_HANDLER_MANAGED_INSTANCES_MESSAGE).toBe('ERROR: AWS Lambda does not support callback-based function handlers when using Node.js 22 with Managed Instances. To use Managed Instances, modify this function to use a supported handler signature. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
});

describe.each(RUNTIMES)('%s', (runtime) => {
  const call = (handler: string, event: unknown = {}) => invoke(id(runtime, handler), event);

  test('a callback-style handler: runs with 3.x\'s rules, fails init with 4.x\'s (and AWS\'s message for the runtime)', async () => {
    for (const handler of ['index.callback', 'index.asyncCallback']) {
      const result = await call(handler);
      if (!isNew(runtime)) {
        expect(result.functionError).toBeUndefined();
        expect(body(result)).toBe(handler === 'index.callback' ? 'via callback' : 'async with three parameters');
        continue;
      }
      expect(result.functionError).toBe('Unhandled');
      expect(result.errorType).toBe('Runtime.CallbackHandlerDeprecated');
      const message = runtime === MI ? CALLBACK_HANDLER_MANAGED_INSTANCES_MESSAGE : CALLBACK_HANDLER_DEPRECATED_MESSAGE;
      expect(body(result)).toMatchObject({ errorType: 'Runtime.CallbackHandlerDeprecated', errorMessage: message });
      // logged as 4.x logs an init failure: "Init Error", request id "-"
      expect(loggedError(allStdout(id(runtime, handler)), 'Init Error')).toMatchObject({
        requestId: '-', level: 'ERROR', error: { errorType: 'Runtime.CallbackHandlerDeprecated', errorMessage: message },
      });
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

  test('a plain function\'s return value: null with 3.x\'s rules, the result with 4.x\'s', async () => {
    const result = await call('index.plainReturn', { n: 5 });
    expect(result.functionError).toBeUndefined();
    expect(body(result)).toEqual(isNew(runtime) ? { plain: 5 } : null);
  });

  test('context: done/succeed/fail and callbackWaitsForEmptyEventLoop only with 3.x\'s rules, xRayTraceId with 4.x\'s', async () => {
    const result = await call('index.contextShape');
    const shape = body(result);
    const legacy = isNew(runtime) ? 'undefined' : 'function';
    expect(shape).toMatchObject({ succeed: legacy, fail: legacy, done: legacy, waitsFlag: !isNew(runtime) });
    // on Managed Instances _X_AMZN_TRACE_ID is left unset (overlapping invocations), the context has the trace id
    if (runtime === MI) {
      expect(shape.traceEnv).toBeNull();
      expect(shape.xRayTraceId).toMatch(/^Root=1-/);
    } else {
      expect(shape.traceEnv).toMatch(/^Root=1-/);
      expect(shape.xRayTraceId).toBe(isNew(runtime) ? shape.traceEnv : null);
    }
  });

  test('context.succeed: the result with 3.x\'s rules, a TypeError with 4.x\'s (it is absent)', async () => {
    const result = await call('index.usesSucceed');
    if (!isNew(runtime)) {
      expect(result.functionError).toBeUndefined();
      expect(body(result)).toBe('ok');
    } else {
      expect(result.errorType).toBe('TypeError');
      expect(body(result).errorMessage).toBe('context.succeed is not a function');
    }
  });

  test('an unserializable result: Error with 3.x\'s rules, Runtime.JSONStringifyError with 4.x\'s, logged as Invoke Error', async () => {
    const result = await call('index.bigint');
    const errorType = isNew(runtime) ? 'Runtime.JSONStringifyError' : 'Error';
    expect(result.errorType).toBe(errorType);
    expect(body(result)).toMatchObject({ errorType, errorMessage: 'Unable to stringify response body' });
    expect(loggedError(allStdout(id(runtime, 'index.bigint')), 'Invoke Error')).toMatchObject({
      requestId: result.requestId, level: 'ERROR', error: { errorType, errorMessage: 'Unable to stringify response body' },
    });
  });

  test('throw null: "handled" with 3.x\'s rules (context.fail), the value itself with 4.x\'s', async () => {
    const result = await call('index.throwsNull');
    expect(result.functionError).toBe('Unhandled');
    expect(body(result)).toEqual(isNew(runtime)
      ? { errorType: 'object', errorMessage: 'null', trace: [] }
      : { errorType: 'string', errorMessage: 'handled', trace: [] });
    expect(loggedError(allStdout(id(runtime, 'index.throwsNull')), 'Invoke Error')?.error)
      .toMatchObject({ errorType: 'Error', errorMessage: isNew(runtime) ? 'null' : 'handled' });
  });

  test('a synchronous throw undefined: a success (callback(undefined)) with 3.x\'s rules, an error with 4.x\'s', async () => {
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
    const logged = loggedError(allStdout(id(runtime, 'index.withProps')), 'Invoke Error')?.error;
    expect(logged).toMatchObject({ errorType: 'Error', errorMessage: 'with properties', code: 'E_CUSTOM', detail: { id: 7 } });
    expect(logged.stack[0]).toBe('Error: with properties');
  });

  test('export default { handler }: not found with 3.x\'s rules, found with 4.x\'s', async () => {
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
