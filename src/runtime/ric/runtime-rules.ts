/**
 * Which managed Node.js runtime's handler rules this client follows.
 *
 * Lambda runs AWS's runtime interface client 3.x on nodejs20.x and
 * nodejs22.x, and the 4.x rewrite from nodejs24.x on. 4.x changes the
 * handler contract (aws-lambda-ric 4.0.2 `dist/runtime/buffered-invoke-processor.js`,
 * `dist/function/callback-deprecation.js`, `dist/context/context-builder.js`,
 * `dist/index.js`):
 *
 * - a handler of three parameters (not streaming) fails init with
 *   `Runtime.CallbackHandlerDeprecated`;
 * - the handler is called as `await handler(event, context)`: its return
 *   value (a plain one too) is the result, whatever it throws is the error;
 * - `context` has `xRayTraceId` and no `done`/`succeed`/`fail`/`callbackWaitsForEmptyEventLoop`;
 * - no `uncaughtException`/`unhandledRejection`/`beforeExit` hooks: Node.js's
 *   own handling ends the process;
 * - an unserializable result is `Runtime.JSONStringifyError`;
 * - a handler is also looked up under the module's `default` export;
 * - log lines outside an invocation carry the request id `-`.
 */
import { HANDLER_STREAMING } from './stream/constants';

/** The Node.js major of the managed runtime (`AWS_EXECUTION_ENV=AWS_Lambda_nodejs24.x`), or undefined. */
export function managedNodeMajor(): number | undefined {
  const match = /^AWS_Lambda_nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV ?? '');
  return match ? Number(match[1]) : undefined;
}

/** True on a managed runtime from nodejs24.x on, where Lambda's client follows the 4.x rules. */
export function callbackFreeRuntime(): boolean {
  return (managedNodeMajor() ?? 0) >= 24;
}

/**
 * AWS's message for a callback-style handler on nodejs24.x and later
 * (aws-lambda-ric 4.0.2 `dist/context/constants.js` CALLBACK_ERROR_NODEJS24_ABOVE).
 */
export const CALLBACK_HANDLER_DEPRECATED_MESSAGE = 'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

/** True for a handler of three parameters that is not a streaming one: Lambda refuses it from nodejs24.x on. */
export function isCallbackStyle(handler: Function): boolean {
  return handler.length >= 3 && !(handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING];
}
