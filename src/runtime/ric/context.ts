/**
 * The `context` object a handler receives, filled as the managed Node.js
 * runtime fills it: the function's settings from the environment, the
 * invocation's data from the `next` headers, and the legacy
 * `done`/`succeed`/`fail` methods plus `callbackWaitsForEmptyEventLoop`.
 *
 * With 4.x's rules (nodejs24.x on, Managed Instances; no `controls`) it is built as aws-lambda-ric 4.0.2
 * `dist/context/context-builder.js` builds it: no legacy methods or flag, and
 * `xRayTraceId`, in that client's field order.
 */
import { NextInvocation } from './runtime-api-client';

/** How the context's legacy methods and flag reach the invoke loop. */
export interface ContextControls {
  /** done(err, result): finish now, without waiting for the event loop. */
  done(error: unknown, result?: unknown): void;
  getWaitsForEmptyEventLoop(): boolean;
  setWaitsForEmptyEventLoop(value: boolean): void;
}

export function buildContext(invocation: NextInvocation, controls: ContextControls | undefined): Record<string, unknown> {
  const env = process.env;
  const header = invocation.header;
  const deadline = Number(header('lambda-runtime-deadline-ms'));
  if (!controls) {
    return {
      clientContext: parseJsonHeader(header('lambda-runtime-client-context'), 'ClientContext'),
      identity: parseJsonHeader(header('lambda-runtime-cognito-identity'), 'CognitoIdentity'),
      invokedFunctionArn: header('lambda-runtime-invoked-function-arn'),
      awsRequestId: invocation.requestId,
      tenantId: header('lambda-runtime-aws-tenant-id'),
      xRayTraceId: header('lambda-runtime-trace-id'),
      getRemainingTimeInMillis: () => deadline - Date.now(),
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    };
  }
  return {
    get callbackWaitsForEmptyEventLoop() {
      return controls.getWaitsForEmptyEventLoop();
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      controls.setWaitsForEmptyEventLoop(value);
    },
    succeed: (result: unknown) => controls.done(null, result),
    fail: (error: unknown) => controls.done(error ?? 'handled'),
    done: (error: unknown, result?: unknown) => controls.done(error, result),
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseJsonHeader(header('lambda-runtime-client-context'), 'ClientContext'),
    identity: parseJsonHeader(header('lambda-runtime-cognito-identity'), 'CognitoIdentity'),
    invokedFunctionArn: header('lambda-runtime-invoked-function-arn'),
    awsRequestId: invocation.requestId,
    tenantId: header('lambda-runtime-aws-tenant-id'),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

function parseJsonHeader(value: string | undefined, name: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${String(err)}`);
  }
}
