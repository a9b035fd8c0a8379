/**
 * One invocation of a streaming handler, as aws-lambda-ric 4.0.2 runs it
 * (index.mjs, from `dist/runtime/streaming-invoke-processor.js` and
 * `dist/runtime/lifecycle-manager.js`): the handler gets
 * `(event, responseStream, context)` and must return a promise; a value it
 * resolves with is ignored ("Streaming handlers ignore return values."); the
 * invocation ends when the Runtime API answered the streamed request; a
 * throw, a rejection, a non-promise return ("Streaming does not support
 * non-async handlers.") or a stream left open ("Response stream is not
 * finished.") is logged as `Invoke Error` and ends the stream with the error
 * trailers (nothing is reported once the stream has ended, as in AWS's client).
 */
import { toErrorDocument } from '../errors';
import { logRuntimeError } from '../log-format';
import { followsRic4Rules } from '../runtime-rules';
import { openResponseStream } from './response-stream';
import { streamHighWaterMark } from './streamify';

/** Runs `handler` for one event; resolves once the Runtime API has the whole response. */
export async function runStreamingInvocation(
  address: string,
  requestId: string,
  handler: (event: unknown, stream: unknown, context: unknown) => unknown,
  event: unknown,
  context: unknown,
): Promise<void> {
  const open = await openResponseStream(address, requestId, streamHighWaterMark(handler));
  try {
    const result = handler(event, open.stream, context) as PromiseLike<unknown> | undefined;
    if (!result || typeof result.then !== 'function') throw new Error('Streaming does not support non-async handlers.');
    if ((await result) !== undefined) console.warn('Streaming handlers ignore return values.');
    await open.answered;
    if (!open.stream.writableFinished) throw new Error('Response stream is not finished.');
  } catch (error) {
    await new Promise((resolve) => setImmediate(resolve));
    logRuntimeError('Invoke Error', error);
    await open.fail(toErrorDocument(error, followsRic4Rules()));
  }
}
