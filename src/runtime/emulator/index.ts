/**
 * The Lambda emulator: Runtime API 2018-06-01 per execution environment, an
 * Invoke API like the Runtime Interface Emulator's, and the function
 * processes it runs. Used by the ts-lambda CLI and the runtime benchmark.
 */
export { LambdaEmulator, startEmulator } from './emulator';
export type { EmulatorOptions, InvokeOptions } from './emulator';
export type { FunctionConfig } from './function-config';
export { ExecutionEnvironment } from './environment';
export type { InvokeRequest, InvokeResult } from './environment';
export type { LogEntry, LogListener } from './log-capture';
export { RuntimeApi } from './runtime-api';
export type { RuntimeApiHooks } from './runtime-api';
export type { Invocation, InvocationOutcome, ResponseStreamListener } from './invocation';
export { readEventMessages } from './streaming';
export { bunAssetCommand, nodejsCommand, providedCommand, ricBootstrapPath, QEMU_ARM64_PREFIX } from './commands';
export { lambdaEnvironment, FAKE_CREDENTIALS } from './process-env';
export { MAX_RESPONSE_BYTES, MAX_REQUEST_BYTES, MAX_STREAMED_RESPONSE_BYTES, RUNTIME_API_VERSION } from './limits';
