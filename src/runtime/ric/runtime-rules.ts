/**
 * Which of AWS's runtime interface clients' handler rules this client follows.
 *
 * Lambda runs AWS's runtime interface client 3.x on nodejs20.x and
 * nodejs22.x, and the 4.x rewrite from nodejs24.x on; a function on a
 * capacity provider (Lambda Managed Instances, `AWS_LAMBDA_MAX_CONCURRENCY`
 * set) runs 4.x on nodejs22.x too. 4.0.2 has no rule of its own for that
 * case but the message of the callback check (`dist/function/callback-deprecation.js`
 * isNodejs22Runtime, errorOnDeprecatedCallback): `AWS_EXECUTION_ENV` is read
 * nowhere else, and `AWS_LAMBDA_MAX_CONCURRENCY` (`dist/utils/env.js`
 * isMultiConcurrentMode) only chooses worker threads, overlapping invocations,
 * the invoke store, JSON log lines and leaving `_X_AMZN_TRACE_ID` unset
 * (concurrency.ts, invoke-store.ts, log-format.ts), not the handler contract.
 * 4.x changes the handler contract (aws-lambda-ric 4.0.2
 * `dist/runtime/buffered-invoke-processor.js`, `dist/function/callback-deprecation.js`,
 * `dist/context/context-builder.js`, `dist/index.js`):
 *
 * - a handler of three parameters (not streaming) fails init with
 *   `Runtime.CallbackHandlerDeprecated` (on nodejs22.x with the Managed
 *   Instances message);
 * - the handler is called as `await handler(event, context)`: its return
 *   value (a plain one too) is the result, whatever it throws is the error;
 * - `context` has `xRayTraceId` and no `done`/`succeed`/`fail`/`callbackWaitsForEmptyEventLoop`;
 * - no `uncaughtException`/`unhandledRejection`/`beforeExit` hooks: Node.js's
 *   own handling ends the process (the worker thread, on Managed Instances);
 * - an unserializable result is `Runtime.JSONStringifyError`;
 * - errors carry 4.x's class names (`HandlerNotFoundError`...) and the
 *   stack of their cause, and an init failure is logged as `Init Error`;
 * - every module is loaded with `import()`, and a handler is also looked up
 *   under the module's `default` export;
 * - log lines outside an invocation carry the request id `-`.
 */
import { isMultiConcurrent } from './invoke-store';
import { HANDLER_STREAMING } from './stream/constants';

/** The Node.js major of the managed runtime (`AWS_EXECUTION_ENV=AWS_Lambda_nodejs24.x`), or undefined. */
export function managedNodeMajor(): number | undefined {
  const match = /^AWS_Lambda_nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * True where Lambda runs AWS's client 4.x, whose rules this client then
 * follows: a managed runtime from nodejs24.x on, or any function with
 * `AWS_LAMBDA_MAX_CONCURRENCY` set (Lambda Managed Instances, nodejs22.x
 * among them; a custom runtime's loop too, as our client has no other way
 * to tell). Plain nodejs20.x/nodejs22.x and custom runtimes keep 3.x's rules.
 */
export function followsRic4Rules(): boolean {
  return (managedNodeMajor() ?? 0) >= 24 || isMultiConcurrent();
}

/**
 * AWS's message for a callback-style handler on nodejs24.x and later
 * (aws-lambda-ric 4.0.2 `dist/context/constants.js` CALLBACK_ERROR_NODEJS24_ABOVE).
 */
export const CALLBACK_HANDLER_DEPRECATED_MESSAGE = 'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

/**
 * AWS's message for a callback-style handler of a function on a capacity
 * provider on nodejs22.x (aws-lambda-ric 4.0.2 `dist/context/constants.js`
 * CALLBACK_ERROR_NODEJS22).
 */
export const CALLBACK_HANDLER_MANAGED_INSTANCES_MESSAGE = 'ERROR: AWS Lambda does not support callback-based function handlers when using Node.js 22 with Managed Instances. '
  + 'To use Managed Instances, modify this function to use a supported handler signature. '
  + 'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

/**
 * The message of `Runtime.CallbackHandlerDeprecated`, chosen as 4.0.2 does
 * (`dist/function/callback-deprecation.js` errorOnDeprecatedCallback):
 * Node.js 22's when `AWS_EXECUTION_ENV` is exactly `AWS_Lambda_nodejs22.x`
 * (isNodejs22Runtime), else the one of nodejs24.x and later.
 */
export function callbackHandlerMessage(): string {
  return process.env.AWS_EXECUTION_ENV === 'AWS_Lambda_nodejs22.x' ? CALLBACK_HANDLER_MANAGED_INSTANCES_MESSAGE : CALLBACK_HANDLER_DEPRECATED_MESSAGE;
}

/** True for a handler of three parameters that is not a streaming one: AWS's client 4.x refuses it (see followsRic4Rules). */
export function isCallbackStyle(handler: Function): boolean {
  return handler.length >= 3 && !(handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING];
}
