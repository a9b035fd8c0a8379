/**
 * Numbers and names of the Lambda service that the emulator reproduces.
 * Each one is the value Lambda (and its Runtime Interface Emulator) uses.
 */

/** Version prefix of the Runtime API paths. */
export const RUNTIME_API_VERSION = '2018-06-01';

/** Version prefix of the Invoke API path (`/2015-03-31/functions/{name}/invocations`). */
export const INVOKE_API_VERSION = '2015-03-31';

/**
 * Largest response (or error) body a runtime may post for a synchronous
 * invocation: 6 MiB plus 100 bytes, as RAPID counts it.
 */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

/**
 * Largest streamed response (`Lambda-Runtime-Function-Response-Mode:
 * streaming`): 200 MB, as the Lambda developer guide states it ("Response
 * streaming for Lambda functions", configuration-response-streaming.html).
 * Its bandwidth cap past the first 6 MB (2 MB/s) is not reproduced.
 */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;

/** Version prefix of the response-streaming Invoke API path (`InvokeWithResponseStream`). */
export const STREAMING_INVOKE_API_VERSION = '2021-11-15';

/** Largest payload a synchronous Invoke request may carry (6 MiB). */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

/** Account id of the fake ARNs, the one the Runtime Interface Emulator uses. */
export const ACCOUNT_ID = '012345678912';

/** Lambda's defaults for a function created without these settings. */
export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_MB = 128;
export const DEFAULT_REGION = 'us-east-1';

/** Lambda gives a runtime this long to initialize before it gives up on it. */
export const DEFAULT_INIT_TIMEOUT_SECONDS = 10;
