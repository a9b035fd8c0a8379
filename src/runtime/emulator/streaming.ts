/**
 * Response streaming in the emulator:
 *
 * - `receiveStream`: a runtime's `POST invocation/{id}/response` with
 *   `Lambda-Runtime-Function-Response-Mode: streaming` (chunked): its bytes go
 *   to the invocation's listener as they arrive (the runtime's connection is
 *   paused while the listener is backed up), the error trailers
 *   `Lambda-Runtime-Function-Error-Type` / `-Error-Body` (base64 JSON) make it
 *   a function error, and past MAX_STREAMED_RESPONSE_BYTES it is
 *   `Function.ResponseSizeTooLarge` (the runtime gets 413). As the Runtime
 *   Interface Emulator reads a streamed response (`StreamableInvokeResponse`
 *   with the request's trailers).
 * - `EventStreamWriter`: the answer of the Invoke API's
 *   `POST /2021-11-15/functions/{name}/response-streaming-invocations`
 *   (InvokeWithResponseStream) in AWS's own framing,
 *   `application/vnd.amazon.eventstream`: binary messages (prelude with
 *   lengths and CRC32, `:event-type`/`:content-type`/`:message-type` headers,
 *   payload, CRC32), a `PayloadChunk` event per chunk and one
 *   `InvokeComplete` event (`ErrorCode`, `ErrorDetails`, `LogResult`) at the
 *   end, so the AWS SDK's `InvokeWithResponseStreamCommand` reads it.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { apiErrors, oversizedStreamError, PlatformError, truncatedResponseError } from './errors';
import { Http1Request, Http1Response, Http1StreamWriter, JSON_TYPE, sendJson } from './http1-server';
import { Invocation, InvocationOutcome } from './invocation';
import { MAX_STREAMED_RESPONSE_BYTES } from './limits';

const ACCEPTED = Buffer.from(JSON.stringify({ status: 'OK' }));
const EMPTY = Buffer.alloc(0);

/** Reads a streamed response of `invocation`; `done` gets its outcome once it ended. */
export function receiveStream(req: Http1Request, res: Http1Response, invocation: Invocation, done: (outcome: InvocationOutcome) => void): void {
  const contentType = req.headers['content-type'] ?? 'application/octet-stream';
  const listener = invocation.stream;
  const kept: Buffer[] = [];
  let over = false;
  listener?.start(contentType);
  req.onData = (chunk) => {
    if (over) return;
    if (req.size > MAX_STREAMED_RESPONSE_BYTES) {
      over = true;
      return;
    }
    if (!listener) {
      kept.push(chunk);
      return;
    }
    // the invocation already has its result (timeout, exit): nothing more goes out
    if (invocation.stream !== listener) return;
    if (listener.chunk(chunk) === false && req.flow) {
      const flow = req.flow;
      flow.pause();
      listener.whenReady(() => flow.resume());
    }
  };
  req.whenComplete(() => {
    if (over) {
      done(platformOutcome(oversizedStreamError(MAX_STREAMED_RESPONSE_BYTES)));
      return sendJson(res, 413, { ...apiErrors.tooLarge, errorMessage: `Exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).` });
    }
    res.send(202, JSON_TYPE, ACCEPTED);
    const errorType = req.trailers['lambda-runtime-function-error-type'];
    if (errorType) {
      const encoded = req.trailers['lambda-runtime-function-error-body'];
      const body = encoded ? Buffer.from(encoded, 'base64') : Buffer.from(JSON.stringify({ errorType, errorMessage: '' }));
      return done({ kind: 'error', body, errorType, platform: false });
    }
    done({ kind: 'response', body: kept.length ? Buffer.concat(kept) : EMPTY, contentType, streamed: true });
  }, (err) => done(platformOutcome(truncatedResponseError(invocation.requestId, err.message))));
}

function platformOutcome(error: PlatformError): InvocationOutcome {
  return { kind: 'error', body: Buffer.from(JSON.stringify(error)), errorType: error.errorType, platform: true };
}

/** The end of an InvokeWithResponseStream answer. */
export interface InvokeComplete {
  readonly errorCode?: string;
  readonly errorDetails?: string;
  /** base64 log tail, when `X-Amz-Log-Type: Tail` asked for it */
  readonly logResult?: string;
}

/** Writes an InvokeWithResponseStream answer as AWS event-stream messages. */
export class EventStreamWriter {
  private writer: Http1StreamWriter | undefined;

  constructor(private readonly res: Http1Response, private readonly headLines: string) {}

  /** Sends the head (once), with the function's content type. */
  public start(contentType: string): void {
    if (this.writer || this.res.finished) return;
    // Content-Type is the function's (the API's ResponseStreamContentType); the body is event-stream messages
    this.writer = this.res.stream(200, `Content-Type: ${contentType.replace(/[\r\n]+/g, ' ')}\r\n${this.headLines}`);
  }

  /** One `PayloadChunk` event; false when the caller is backed up. */
  public chunk(data: Buffer): boolean {
    this.start('application/octet-stream');
    if (!this.writer) return true;
    return this.writer.write(eventMessage('PayloadChunk', 'application/octet-stream', data));
  }

  /** Calls `resume` once the caller's connection drained. */
  public whenReady(resume: () => void): void {
    if (this.writer) this.writer.onDrain(resume);
    else resume();
  }

  /** The `InvokeComplete` event, and the end of the answer. */
  public complete(end: InvokeComplete): void {
    this.start('application/octet-stream');
    if (!this.writer) return;
    const body: Record<string, string> = {};
    if (end.errorCode !== undefined) body.ErrorCode = end.errorCode;
    if (end.errorDetails !== undefined) body.ErrorDetails = end.errorDetails;
    if (end.logResult !== undefined) body.LogResult = end.logResult;
    this.writer.write(eventMessage('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(body))));
    this.writer.end();
  }
}

/** One event-stream message (`:message-type: event`). */
export function eventMessage(eventType: string, contentType: string, payload: Buffer): Buffer {
  const headers = Buffer.concat([
    stringHeader(':event-type', eventType),
    stringHeader(':content-type', contentType),
    stringHeader(':message-type', 'event'),
  ]);
  const total = 12 + headers.length + payload.length + 4;
  const message = Buffer.allocUnsafe(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headers.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headers.copy(message, 12);
  payload.copy(message, 12 + headers.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** Decodes event-stream messages (for tests and the CLI): each event's type and payload. */
export function* readEventMessages(data: Buffer): Generator<{ eventType: string; payload: Buffer }> {
  let at = 0;
  while (at + 16 <= data.length) {
    const total = data.readUInt32BE(at);
    const headersLength = data.readUInt32BE(at + 4);
    if (data.readUInt32BE(at + 8) !== crc32(data.subarray(at, at + 8))) throw new Error('event stream: bad prelude CRC');
    if (data.readUInt32BE(at + total - 4) !== crc32(data.subarray(at, at + total - 4))) throw new Error('event stream: bad message CRC');
    let h = at + 12;
    const headers: Record<string, string> = {};
    while (h < at + 12 + headersLength) {
      const nameLength = data[h];
      const name = data.toString('utf8', h + 1, h + 1 + nameLength);
      h += 1 + nameLength;
      if (data[h] !== 7) throw new Error(`event stream: header ${name} is not a string`);
      const valueLength = data.readUInt16BE(h + 1);
      headers[name] = data.toString('utf8', h + 3, h + 3 + valueLength);
      h += 3 + valueLength;
    }
    yield { eventType: headers[':event-type'] ?? '', payload: data.subarray(at + 12 + headersLength, at + total - 4) };
    at += total;
  }
}

function stringHeader(name: string, value: string): Buffer {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  const out = Buffer.allocUnsafe(1 + n.length + 1 + 2 + v.length);
  out[0] = n.length;
  n.copy(out, 1);
  out[1 + n.length] = 7; // string
  out.writeUInt16BE(v.length, 2 + n.length);
  v.copy(out, 4 + n.length);
  return out;
}

/* eslint-disable no-bitwise */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as event-stream messages carry it: node:zlib's where it has one (Node.js 20.15+). */
const crc32: (data: Buffer) => number = typeof zlibCrc32 === 'function' ? zlibCrc32 : (data) => {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};
/* eslint-enable no-bitwise */
