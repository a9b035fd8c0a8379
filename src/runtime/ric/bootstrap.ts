/**
 * Entry point of our runtime interface client (bundled to
 * assets/ric/bootstrap.mjs): `<engine> bootstrap.mjs` turns an engine with
 * `fetch` (Node.js, Bun...) into a Lambda runtime for the handler named by
 * `_HANDLER` under `LAMBDA_TASK_ROOT`, talking to `AWS_LAMBDA_RUNTIME_API`.
 */
import { runWorkers } from './concurrency';
import { callbackHandlerDeprecated } from './errors';
import { loadHandler } from './handler-loader';
import { InvokeLoop } from './invoke-loop';
import { createInvokeStore, isMultiConcurrent } from './invoke-store';
import { patchConsole, readLogIdsFrom } from './log-format';
import { RuntimeApiClient } from './runtime-api-client';
import { callbackHandlerMessage, followsRic4Rules, isCallbackStyle } from './runtime-rules';
import { isStreamingHandler } from './stream/streamify';
import { selectTransport } from './transport';

async function main(): Promise<void> {
  const address = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!address) {
    console.error('AWS_LAMBDA_RUNTIME_API is not set: this program runs inside Lambda or the ts-lambda emulator.');
    process.exit(1);
  }
  await patchConsole();
  // Managed Instances: the main thread only starts the workers (concurrency.ts)
  if (await runWorkers(process.argv[1])) return;
  const store = await createInvokeStore();
  const concurrent = isMultiConcurrent();
  if (concurrent) readLogIdsFrom(store);
  // concurrent: answers go on a connection of their own, as `next` waits on the first
  const client = new RuntimeApiClient(await selectTransport(address), address, concurrent ? await selectTransport(address) : undefined);
  const loop = new InvokeLoop(client, store);
  loop.installProcessHooks();

  let handler;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env._HANDLER ?? '');
    // a foreign streaming mark is Runtime.MalformedStreamingHandler
    const streaming = isStreamingHandler(handler);
    // 4.x (nodejs24.x on, and Managed Instances): aws-lambda-ric 4.0.2 dist/function/callback-deprecation.js
    // errorOnDeprecatedCallback, called by createRuntime (a streaming handler's three
    // parameters are (event, responseStream, context): exempt)
    if (!streaming && followsRic4Rules() && isCallbackStyle(handler)) throw callbackHandlerDeprecated(callbackHandlerMessage());
  } catch (error) {
    return loop.failInit(error);
  }
  if (concurrent) await loop.runConcurrent(handler);
  await loop.run(handler);
}

void main();
