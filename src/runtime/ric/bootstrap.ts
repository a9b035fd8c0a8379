/**
 * Entry point of our runtime interface client (bundled to
 * assets/ric/bootstrap.mjs): `<engine> bootstrap.mjs` turns an engine with
 * `fetch` (Node.js, Bun...) into a Lambda runtime for the handler named by
 * `_HANDLER` under `LAMBDA_TASK_ROOT`, talking to `AWS_LAMBDA_RUNTIME_API`.
 */
import { loadHandler } from './handler-loader';
import { InvokeLoop } from './invoke-loop';
import { patchConsole } from './log-format';
import { RuntimeApiClient } from './runtime-api-client';
import { isStreamingHandler } from './stream/streamify';
import { selectTransport } from './transport';

async function main(): Promise<void> {
  const address = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!address) {
    console.error('AWS_LAMBDA_RUNTIME_API is not set: this program runs inside Lambda or the ts-lambda emulator.');
    process.exit(1);
  }
  await patchConsole();
  const loop = new InvokeLoop(new RuntimeApiClient(await selectTransport(address), address));
  loop.installProcessHooks();

  let handler;
  let streaming = false;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env._HANDLER ?? '');
    streaming = isStreamingHandler(handler);
  } catch (error) {
    return loop.failInit(error);
  }
  if (!streaming && handler.length >= 3 && handler.constructor?.name !== 'AsyncFunction' && callbackHandlersRemoved()) {
    console.warn('This handler takes a callback: the managed nodejs24.x runtime and later do not support callback-style handlers; use an async handler.');
  }
  await loop.run(handler);
}

/** True when the function is configured for a managed Node.js runtime from nodejs24.x on. */
function callbackHandlersRemoved(): boolean {
  const match = /^AWS_Lambda_nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV ?? '');
  return !!match && Number(match[1]) >= 24;
}

void main();
