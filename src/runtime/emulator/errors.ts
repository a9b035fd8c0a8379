/**
 * The error bodies the emulator writes itself, shaped as Lambda writes them:
 * `{errorMessage, errorType}` JSON both for the Runtime API's 4xx answers and
 * for the function errors Lambda reports in place of a result (timeout,
 * runtime exit, oversized response, bad entrypoint).
 */
import { MAX_RESPONSE_BYTES } from './limits';

/** A function error produced by the platform, not by the function's code. */
export interface PlatformError {
  readonly errorType: string;
  readonly errorMessage: string;
}

/** `Task timed out after 3.00 seconds`, the message Lambda gives at the deadline. */
export function timeoutError(requestId: string, timeoutSeconds: number): PlatformError {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/** The runtime process ended while Lambda waited for it (Go's ProcessState wording). */
export function exitError(requestId: string, code: number | null, signal: NodeJS.Signals | null): PlatformError {
  let reason: string;
  if (signal) reason = `Runtime exited with error: signal: ${signalName(signal)}`;
  else if (code === 0) reason = 'Runtime exited without providing a reason';
  else reason = `Runtime exited with error: exit status ${code}`;
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` };
}

/** The runtime process could not be started at all (missing or non-executable bootstrap). */
export function entrypointError(requestId: string, command: string, cause: NodeJS.ErrnoException): PlatformError {
  const why = cause.code === 'ENOENT' ? 'no such file or directory'
    : cause.code === 'EACCES' ? 'permission denied'
      : cause.message;
  return {
    errorType: 'Runtime.InvalidEntrypoint',
    errorMessage: `RequestId: ${requestId} Error: fork/exec ${command}: ${why}`,
  };
}

/** The runtime did not reach `next` within the init timeout. */
export function initTimeoutError(requestId: string, initTimeoutSeconds: number): PlatformError {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Init timed out after ${initTimeoutSeconds.toFixed(2)} seconds`,
  };
}

/** The runtime's response or error request ended before its body did. */
export function truncatedResponseError(requestId: string, reason: string): PlatformError {
  return { errorType: 'Runtime.TruncatedResponse', errorMessage: `RequestId: ${requestId} Error: ${reason}` };
}

/** The runtime posted a response larger than the synchronous limit. */
export function oversizedResponseError(size: number): PlatformError {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size (${size} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}

/**
 * The runtime posted its response with a `Lambda-Runtime-Function-Response-Mode`
 * other than `streaming` (the Runtime Interface Emulator's
 * `Runtime.InvalidResponseModeHeader`).
 */
export function invalidResponseModeError(requestId: string, mode: string): PlatformError {
  return {
    errorType: 'Runtime.InvalidResponseModeHeader',
    errorMessage: `RequestId: ${requestId} Error: invalid function response mode ${JSON.stringify(mode)}; the Runtime API knows only "streaming"`,
  };
}

/** A streamed response went past the streaming limit. */
export function oversizedStreamError(limit: number): PlatformError {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${limit} bytes).`,
  };
}

/** The bodies of the Runtime API's own 4xx answers. */
export const apiErrors = {
  invalidRequestId: { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' },
  tooLarge: {
    errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
    errorType: 'RequestEntityTooLarge',
  },
  /** the Runtime Interface Emulator's answer to an unknown response mode */
  invalidResponseMode: { errorMessage: 'Invalid function response mode', errorType: 'InvalidFunctionResponseMode' },
  notFound: (path: string) => ({ errorMessage: `No route for ${path}`, errorType: 'NotFound' }),
  methodNotAllowed: (method: string, path: string) => ({
    errorMessage: `Method ${method} is not allowed on ${path}`,
    errorType: 'MethodNotAllowed',
  }),
  invalidState: (from: string, to: string) => ({
    errorMessage: `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`,
    errorType: 'InvalidStateTransition',
  }),
};

function signalName(signal: NodeJS.Signals): string {
  // Go prints signal names in words ("killed", "terminated", "segmentation fault").
  const words: Record<string, string> = {
    SIGKILL: 'killed',
    SIGTERM: 'terminated',
    SIGSEGV: 'segmentation fault',
    SIGABRT: 'aborted',
    SIGINT: 'interrupt',
  };
  return words[signal] ?? signal;
}
