/**
 * The response stream a streaming handler writes to: a `node:stream`
 * Writable whose bytes go to the Runtime API as they are written, in one
 * HTTP/1.1 `POST invocation/{id}/response` with
 * `Lambda-Runtime-Function-Response-Mode: streaming` and chunked transfer
 * encoding; a failure is reported in the trailers
 * `Lambda-Runtime-Function-Error-Type` / `Lambda-Runtime-Function-Error-Body`
 * (the error document, JSON in base64). As aws-lambda-ric 4.0.2 does it
 * (index.mjs, from `dist/stream/response-stream.js`):
 *
 * - the head (with the content type) leaves with the first bytes, so
 *   `setContentType` works until the first `write` and then throws
 *   `Runtime.InvalidStreamingOperation` "Cannot set content-type, too late.";
 * - `write` of anything but a string or bytes writes its JSON;
 * - `_onBeforeFirstWrite` (set by `HttpResponseStream.from`) runs on the first
 *   `write` (not on `end(chunk)`, as in AWS's client);
 * - back-pressure: `write` returns false and `drain` follows once the socket
 *   took the bytes; `highWaterMark` comes from `streamifyResponse`'s options.
 *
 * It speaks HTTP on its own `node:net` connection (kept for the next
 * streamed response), which Node.js and Bun both have; AWS's client uses
 * node:http, whose trailers Bun does not send.
 */
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { ErrorDocument, RuntimeError } from '../errors';
import { Http1ResponseParser } from '../http1-parser';
import { DEFAULT_CONTENT_TYPE, HEADER_RESPONSE_MODE, TRAILER_ERROR_BODY, TRAILER_ERROR_TYPE, VALUE_STREAMING } from './constants';

/** The stream handed to a streaming handler. */
export interface ResponseStream extends Writable {
  /** Runs once, before the first write's bytes (HttpResponseStream.from). */
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;
  /** Sets the response's content type; only before the first write. */
  setContentType(contentType: string): void;
}

/** A stream and the Runtime API's answer to it. */
export interface OpenStream {
  readonly stream: ResponseStream;
  /** The Runtime API's answer (its status), once the whole request went out. */
  readonly answered: Promise<number>;
  /** Ends the stream with the error trailers (if it has not ended yet) and waits for the answer. */
  fail(error: ErrorDocument): Promise<void>;
}

const CRLF = '\r\n';
const LAST_CHUNK = `0${CRLF}${CRLF}`;

/** A kept-alive connection to the Runtime API for the next stream. */
let idleSocket: Socket | undefined;

/** Opens the streamed response of invocation `requestId` on the Runtime API at `address` (`host:port`). */
export async function openResponseStream(address: string, requestId: string, highWaterMark?: number): Promise<OpenStream> {
  const { Writable: WritableClass } = await import('node:stream');
  const socket = idleSocket && !idleSocket.destroyed ? idleSocket : await connect(address);
  idleSocket = undefined;
  socket.ref();

  const path = `/2018-06-01/runtime/invocation/${encodeURIComponent(requestId)}/response`;
  let contentType = DEFAULT_CONTENT_TYPE;
  let headSent = false;
  let firstWriteDone = false;
  let trailers = '';

  const head = () => {
    headSent = true;
    return `POST ${path} HTTP/1.1${CRLF}Host: ${address}${CRLF}${HEADER_RESPONSE_MODE}: ${VALUE_STREAMING}${CRLF}`
      + `Trailer: ${TRAILER_ERROR_TYPE}, ${TRAILER_ERROR_BODY}${CRLF}Content-Type: ${contentType}${CRLF}`
      + `Transfer-Encoding: chunked${CRLF}${CRLF}`;
  };
  /** Writes one chunk frame; calls `done` once the socket took it (back-pressure). */
  const writeFrame = (data: Buffer, done: (error?: Error | null) => void) => {
    if (data.length === 0) return done();
    const prefix = (headSent ? '' : head()) + data.length.toString(16) + CRLF;
    socket.cork();
    socket.write(prefix);
    socket.write(data);
    const flushed = socket.write(CRLF);
    socket.uncork();
    if (flushed) done();
    else socket.once('drain', () => done());
  };

  const answered = new Promise<number>((resolve, reject) => {
    const parser = new Http1ResponseParser();
    const onData = (chunk: Buffer) => {
      let status: number | undefined;
      try {
        status = parser.push(chunk)[0]?.status;
      } catch (err) {
        socket.destroy(err as Error);
        return;
      }
      if (status === undefined) return;
      cleanup();
      // the connection serves the next stream
      socket.unref();
      idleSocket = socket;
      resolve(status);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('Runtime API: connection closed during a streamed response'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
  answered.catch(() => undefined);

  const stream = new WritableClass({
    highWaterMark,
    decodeStrings: true,
    write(chunk: Buffer, _encoding, callback) {
      writeFrame(chunk, callback);
    },
    writev(chunks, callback) {
      writeFrame(Buffer.concat(chunks.map((c) => c.chunk as Buffer)), callback);
    },
    final(callback) {
      // the last chunk, with the error trailers when the stream failed
      const tail = trailers ? `0${CRLF}${trailers}${CRLF}` : LAST_CHUNK;
      socket.write((headSent ? '' : head()) + tail, () => callback());
    },
    destroy(error, callback) {
      // a stream destroyed before its end cuts the request: the Runtime API sees it truncated
      if (!stream.writableFinished) socket.destroy();
      callback(error);
    },
  }) as ResponseStream;

  stream.setContentType = (type: string) => {
    if (firstWriteDone || headSent) throw new RuntimeError('InvalidStreamingOperation', 'Cannot set content-type, too late.');
    contentType = type;
  };
  const write = stream.write.bind(stream) as (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;
  stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    let data = chunk;
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) data = JSON.stringify(chunk);
    if (!firstWriteDone && typeof stream._onBeforeFirstWrite === 'function') stream._onBeforeFirstWrite((c) => write(c));
    firstWriteDone = true;
    return write(data, encoding, cb);
  }) as ResponseStream['write'];

  return {
    stream,
    answered,
    async fail(error) {
      if (!stream.writableEnded && !stream.destroyed) {
        trailers = `${TRAILER_ERROR_TYPE}: ${headerValue(error.errorType)}${CRLF}`
          + `${TRAILER_ERROR_BODY}: ${Buffer.from(JSON.stringify(error)).toString('base64')}${CRLF}`;
        await new Promise<void>((resolve) => stream.end(resolve));
      }
      await answered.catch(() => undefined);
    },
  };
}

function connect(address: string): Promise<Socket> {
  return import('node:net').then((net) => new Promise<Socket>((resolve, reject) => {
    const colon = address.lastIndexOf(':');
    const socket = net.connect(Number(address.slice(colon + 1)), address.slice(0, colon));
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  }));
}

/** A trailer value on one line. */
function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}
