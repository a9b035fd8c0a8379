/**
 * The `awslambda` global of the managed Node.js runtime:
 * `awslambda.streamifyResponse(handler, { highWaterMark })` marks a handler
 * as streaming (it gets `(event, responseStream, context)`), and
 * `awslambda.HttpResponseStream.from(stream, metadata)` makes the stream start
 * with the HTTP integration prelude function URLs read (status, headers,
 * cookies). As aws-lambda-ric 4.0.2 `dist/utils/globals.js` and
 * `dist/stream/http-response-stream.js`, including
 * `AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA` to leave the global alone.
 */
import { RuntimeError } from '../errors';
import {
  HANDLER_HIGHWATERMARK, HANDLER_STREAMING, HTTP_INTEGRATION_CONTENT_TYPE, PRELUDE_DELIMITER_LENGTH, STREAM_RESPONSE,
} from './constants';

/** The part of a response stream `HttpResponseStream.from` needs. */
export interface PreludeTarget {
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;
  setContentType(contentType: string): void;
}

/** `awslambda.HttpResponseStream`. */
export class HttpResponseStream {
  /**
   * Makes `stream` start with `JSON.stringify(prelude)` and 8 NUL bytes, on
   * its first `write`, under the HTTP integration content type.
   */
  public static from<T extends PreludeTarget>(stream: T, prelude: unknown): T {
    stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const json = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(json);
      write(new Uint8Array(PRELUDE_DELIMITER_LENGTH));
    };
    return stream;
  }
}

/** Defines `globalThis.awslambda` (unless the environment asks not to). */
export function defineAwslambdaGlobal(): void {
  const off = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (off === '1' || off === 'true') return;
  const g = globalThis as { awslambda?: Record<string, unknown> };
  g.awslambda = {
    ...g.awslambda,
    streamifyResponse: (handler: any, options?: { highWaterMark?: unknown }) => {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') handler[HANDLER_HIGHWATERMARK] = parseInt(String(options.highWaterMark));
      return handler;
    },
    HttpResponseStream,
  };
}

/** True when `handler` was made by `streamifyResponse`; a foreign mark is `Runtime.MalformedStreamingHandler`. */
export function isStreamingHandler(handler: unknown): boolean {
  const mark = (handler as Record<symbol, unknown> | undefined)?.[HANDLER_STREAMING];
  if (!mark) return false;
  if (mark === STREAM_RESPONSE) return true;
  throw new RuntimeError('MalformedStreamingHandler', 'Only response streaming is supported.');
}

/** The `highWaterMark` given to `streamifyResponse`, if a number. */
export function streamHighWaterMark(handler: unknown): number | undefined {
  const value = Number((handler as Record<symbol, unknown>)[HANDLER_HIGHWATERMARK]);
  return value ? value : undefined;
}
