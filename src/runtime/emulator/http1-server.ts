/**
 * A small HTTP/1.1 server on `node:net` for the Runtime API, the port only a
 * runtime talks to, where every invocation crosses it twice (`next`'s answer,
 * the `response` POST), and for the Invoke API, which every invocation
 * crosses once. node:http costs more per request than the rest of an
 * invocation; this one does what an HTTP/1.1 client needs and no more:
 *
 * - request line, headers (up to 16 KB, as node:http), bodies framed by
 *   Content-Length or chunked transfer encoding (with trailers), kept whole
 *   or passed on as they arrive (a streamed response);
 * - answers of a known length, or streamed in chunks (`Http1Response.stream`);
 * - keep-alive (HTTP/1.1 by default, HTTP/1.0 with `Connection: keep-alive`),
 *   pipelined requests answered in order, `Expect: 100-continue`;
 * - 400 on a malformed request, 431 on oversized headers, 417 on an unknown
 *   expectation, 501 on a transfer coding other than chunked; after such an
 *   answer the connection is closed, as node:http does;
 * - bodies past a limit are counted and dropped (the handler decides what an
 *   oversized body means), and a body cut short by the peer is reported.
 *
 * Answers are written with one write per batch: the answers to requests that
 * came in one read leave together, and an answer is held back while a later
 * request of the same connection (a pipelined `next`) is still unanswered, so
 * it leaves with that one. A held answer leaves at the latest after
 * HOLD_LIMIT_MS. The client cannot tell, except by timing: it cannot read the
 * later answer before the earlier one anyway.
 */
import { createServer, Server, Socket } from 'node:net';

/** Largest request head (request line + headers), as node:http's default. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Longest chunk-size line (with extensions) of a chunked body. */
const MAX_CHUNK_LINE_BYTES = 4096;
/** How long a finished answer may wait for the answer of a later pipelined request. */
const HOLD_LIMIT_MS = 20;

const STATUS_TEXT: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// control characters other than horizontal tab are not allowed in a field value
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/** A request as parsed; the body arrives after the head. */
export class Http1Request {
  /** Lower-case header names; repeated headers joined with ", ". */
  public readonly headers: Record<string, string> = {};
  /** Body bytes kept (at most the server's body limit). */
  public body: Buffer = EMPTY;
  /** Body bytes received in all. */
  public size = 0;
  /** True when the body was larger than the limit (the rest was dropped). */
  public overflow = false;
  /** True once the whole body is in. */
  public complete = false;
  /** Set by the handler to hear of the end of the body (when it was not complete at once). */
  public onEnd: (() => void) | undefined;
  /** Set by the handler to hear that the connection ended before the body did. */
  public onAbort: ((error: Error) => void) | undefined;
  /**
   * Set by the handler to receive the body as it arrives (a streamed
   * response): the bytes are then passed on, not kept, and not limited.
   */
  public onData: ((chunk: Buffer) => void) | undefined;
  /** Trailer fields of a chunked body (lower-case names), once complete. */
  public trailers: Record<string, string> = {};
  /** Stops and restarts reading the connection (back-pressure of a streamed body). */
  public flow: { pause(): void; resume(): void } | undefined;
  /** @internal */ public chunks: Buffer[] = [];
  /** @internal */ public keepAlive = true;
  /** @internal */ public expectContinue = false;

  constructor(public readonly method: string, public readonly target: string, public readonly version: '1.0' | '1.1') {}

  /** The path without its query string. */
  public get path(): string {
    const q = this.target.indexOf('?');
    return q < 0 ? this.target : this.target.slice(0, q);
  }

  /** Calls `onEnd` when the whole body is in (at once if it already is) or `onAbort` if it never comes. */
  public whenComplete(onEnd: () => void, onAbort: (error: Error) => void): void {
    if (this.complete) return onEnd();
    this.onEnd = onEnd;
    this.onAbort = onAbort;
  }
}

const EMPTY = Buffer.alloc(0);

/** A malformed request: answered with `status` and the connection closed. */
export class Http1ParseError extends Error {
  constructor(public readonly status: number, message: string) {
    super(message);
  }
}

/** What the parser tells its user. */
export interface Http1ParserEvents {
  /** A request head is in; its body (if any) follows. */
  onHead(req: Http1Request): void;
  /** The body of `req` is complete. */
  onComplete(req: Http1Request): void;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'failed';

/**
 * Incremental HTTP/1.1 request parser: feed it the bytes of one connection
 * as they come, in pieces of any size; it reports heads and complete bodies.
 * Throws Http1ParseError on a malformed request (it then stays failed).
 */
export class Http1RequestParser {
  private state: State = 'head';
  /** bytes of a head, chunk-size line or trailer section not yet complete */
  private pending: Buffer = EMPTY;
  private current: Http1Request | undefined;
  private remaining = 0;

  constructor(private readonly events: Http1ParserEvents, private readonly bodyLimit: number) {}

  /** The request whose body is being read, if any. */
  public get inBody(): Http1Request | undefined {
    return this.state === 'head' || this.state === 'failed' ? undefined : this.current;
  }

  public push(chunk: Buffer): void {
    if (this.state === 'failed') return;
    try {
      this.run(chunk);
    } catch (err) {
      this.state = 'failed';
      this.pending = EMPTY;
      throw err;
    }
  }

  private run(chunk: Buffer): void {
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = EMPTY;
    let at = 0;
    while (at < buf.length) {
      switch (this.state) {
        case 'head': {
          // empty lines before a request line are ignored (RFC 9112 2.2)
          while (at < buf.length && (buf[at] === 0x0d || buf[at] === 0x0a)) at++;
          if (at >= buf.length) return;
          const end = headEnd(buf, at);
          if (end === undefined) {
            if (buf.length - at > MAX_HEAD_BYTES) throw new Http1ParseError(431, 'request head too large');
            this.pending = buf.subarray(at);
            return;
          }
          if (end.headEnd - at > MAX_HEAD_BYTES) throw new Http1ParseError(431, 'request head too large');
          const req = parseHead(buf.toString('latin1', at, end.headEnd));
          at = end.next;
          this.begin(req);
          break;
        }
        case 'length':
          at = this.body(buf, at);
          if (this.remaining === 0) this.finish();
          break;
        case 'chunk-size': {
          const lf = this.lineEnd(buf, at, MAX_CHUNK_LINE_BYTES, 400, 'chunk size line too long');
          if (lf < 0) return;
          const line = buf.toString('latin1', at, lf > at && buf[lf - 1] === 0x0d ? lf - 1 : lf);
          const size = line.split(';')[0].trim();
          if (!/^[0-9A-Fa-f]{1,12}$/.test(size)) throw new Http1ParseError(400, `bad chunk size ${JSON.stringify(size)}`);
          this.remaining = parseInt(size, 16);
          at = lf + 1;
          this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
          break;
        }
        case 'chunk-data':
          at = this.body(buf, at);
          if (this.remaining === 0) this.state = 'chunk-crlf';
          break;
        case 'chunk-crlf': {
          // CRLF (or a bare LF) after the chunk's data
          if (buf[at] === 0x0d) {
            if (at + 1 >= buf.length) {
              this.pending = buf.subarray(at);
              return;
            }
            at++;
          }
          if (buf[at] !== 0x0a) throw new Http1ParseError(400, 'no CRLF after chunk data');
          at++;
          this.state = 'chunk-size';
          break;
        }
        case 'trailers': {
          // trailer fields, then an empty line
          const lf = this.lineEnd(buf, at, MAX_HEAD_BYTES, 431, 'trailers too large');
          if (lf < 0) return;
          const line = buf.toString('latin1', at, lf > at && buf[lf - 1] === 0x0d ? lf - 1 : lf);
          at = lf + 1;
          if (line.length === 0) {
            this.finish();
            break;
          }
          const colon = line.indexOf(':');
          if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) throw new Http1ParseError(400, `malformed trailer line ${JSON.stringify(line.slice(0, 100))}`);
          this.current!.trailers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
          break;
        }
        default:
          return;
      }
    }
  }

  /** The LF ending the line at `at`; -1 (and the rest kept for later) when it has not come yet. */
  private lineEnd(buf: Buffer, at: number, max: number, status: number, tooLong: string): number {
    const lf = buf.indexOf(0x0a, at);
    if ((lf < 0 ? buf.length : lf) - at > max) throw new Http1ParseError(status, tooLong);
    if (lf < 0) this.pending = buf.subarray(at);
    return lf;
  }

  private begin(req: Http1Request): void {
    this.current = req;
    const te = req.headers['transfer-encoding'];
    const cl = req.headers['content-length'];
    if (te !== undefined) {
      if (cl !== undefined) throw new Http1ParseError(400, 'both Content-Length and Transfer-Encoding');
      const codings = te.split(',').map((c) => c.trim().toLowerCase());
      if (codings[codings.length - 1] !== 'chunked') throw new Http1ParseError(400, 'the last transfer coding is not chunked');
      if (codings.length > 1) throw new Http1ParseError(501, `unsupported transfer coding ${te}`);
      this.state = 'chunk-size';
      this.events.onHead(req);
      return;
    }
    if (cl !== undefined) {
      // repeated equal values ("5, 5") are one value
      const values = cl.split(',').map((v) => v.trim());
      if (!values.every((v) => /^\d{1,15}$/.test(v) && v === values[0])) throw new Http1ParseError(400, `bad Content-Length ${JSON.stringify(cl)}`);
      this.remaining = Number(values[0]);
    } else {
      this.remaining = 0;
    }
    if (this.remaining === 0) {
      this.state = 'head';
      req.complete = true;
      this.events.onHead(req);
      this.events.onComplete(req);
      return;
    }
    this.state = 'length';
    this.events.onHead(req);
  }

  /** Takes up to `remaining` body bytes from `buf` at `from` (keeping those within the limit); returns where it stopped. */
  private body(buf: Buffer, from: number): number {
    const req = this.current!;
    const length = Math.min(this.remaining, buf.length - from);
    this.remaining -= length;
    if (req.onData) {
      req.size += length;
      if (length > 0) req.onData(buf.subarray(from, from + length));
      return from + length;
    }
    const room = this.bodyLimit - req.size;
    if (room >= length) req.chunks.push(buf.subarray(from, from + length));
    else if (room > 0) req.chunks.push(buf.subarray(from, from + room));
    req.size += length;
    return from + length;
  }

  private finish(): void {
    const req = this.current!;
    this.state = 'head';
    req.body = req.chunks.length === 0 ? EMPTY : req.chunks.length === 1 ? req.chunks[0] : Buffer.concat(req.chunks);
    req.chunks = [];
    req.overflow = !req.onData && req.size > this.bodyLimit;
    req.complete = true;
    this.events.onComplete(req);
  }
}

/** Where the head starting at `from` ends: the index of its last line's end and of the byte after the empty line. */
function headEnd(buf: Buffer, from: number): { headEnd: number; next: number } | undefined {
  let at = from;
  for (;;) {
    const lf = buf.indexOf(0x0a, at);
    if (lf < 0) return undefined;
    // an empty line (LF or CRLF) ends the head
    if (buf[lf + 1] === 0x0a) return { headEnd: lf, next: lf + 2 };
    if (buf[lf + 1] === 0x0d) {
      if (lf + 2 >= buf.length) return undefined;
      if (buf[lf + 2] === 0x0a) return { headEnd: lf, next: lf + 3 };
    }
    if (lf + 1 >= buf.length) return undefined;
    at = lf + 1;
  }
}

function parseHead(text: string): Http1Request {
  const lines = text.split('\n');
  const requestLine = stripCr(lines[0]);
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 === sp1) throw new Http1ParseError(400, `malformed request line ${JSON.stringify(requestLine)}`);
  const method = requestLine.slice(0, sp1);
  const target = requestLine.slice(sp1 + 1, sp2);
  const version = requestLine.slice(sp2 + 1);
  if (!TOKEN.test(method)) throw new Http1ParseError(400, `bad method ${JSON.stringify(method)}`);
  if (target.length === 0 || /[\x00-\x20\x7f]/.test(target)) throw new Http1ParseError(400, `bad request target ${JSON.stringify(target)}`);
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') throw new Http1ParseError(400, `unsupported version ${JSON.stringify(version)}`);
  const req = new Http1Request(method, target, version === 'HTTP/1.1' ? '1.1' : '1.0');
  for (let i = 1; i < lines.length; i++) {
    const line = stripCr(lines[i]);
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Http1ParseError(400, `malformed header line ${JSON.stringify(line.slice(0, 100))}`);
    const name = line.slice(0, colon);
    // no whitespace before the colon, no obsolete line folding (RFC 9112 5.1, 5.2)
    if (!TOKEN.test(name)) throw new Http1ParseError(400, `bad header name ${JSON.stringify(name.slice(0, 100))}`);
    const value = line.slice(colon + 1).trim();
    if (BAD_VALUE.test(value)) throw new Http1ParseError(400, `bad value of header ${name}`);
    const key = name.toLowerCase();
    const seen = req.headers[key];
    req.headers[key] = seen === undefined ? value : `${seen}, ${value}`;
  }
  const connection = (req.headers.connection ?? '').toLowerCase();
  req.keepAlive = req.version === '1.1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
  const expect = req.headers.expect;
  if (expect !== undefined) {
    if (expect.toLowerCase() !== '100-continue') throw new Http1ParseError(417, `unsupported expectation ${JSON.stringify(expect)}`);
    req.expectContinue = req.version === '1.1';
  }
  return req;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The header line of a JSON answer. */
export const JSON_TYPE = 'Content-Type: application/json\r\n';

/** Answers with `body` as JSON, with the given status and extra header lines (each `Name: value\r\n`). */
export function sendJson(res: Http1Response, status: number, body: unknown, headLines = ''): void {
  res.send(status, JSON_TYPE + headLines, JSON.stringify(body));
}

/** A header value that cannot end its line early: CR and LF runs become one space. */
export function headerSafe(value: string): string {
  return /[\r\n]/.test(value) ? value.replace(/[\r\n]+/g, ' ') : value;
}

/** The answer to one request; answers leave in the order the requests came. */
export class Http1Response {
  /** @internal */ public data: Buffer[] | undefined;
  /** @internal */ public closeAfter = false;
  /** @internal */ public streaming = false;
  /** @internal */ public ended = false;
  /** Set by the handler to hear that the connection closed before this was answered. */
  public onClose: (() => void) | undefined;

  constructor(private readonly connection: Http1Connection, /** @internal */ public readonly request: Http1Request) {}

  /** True once `send` was called, or the connection is gone. */
  public get finished(): boolean {
    return this.data !== undefined || this.connection.closed;
  }

  /**
   * Answers with `status`, the extra header lines `headLines` (each
   * `Name: value\r\n`, no Content-Length) and `body`.
   */
  public send(status: number, headLines: string, body: Buffer | string = EMPTY): void {
    if (this.data !== undefined) throw new Error('Http1Response: already answered');
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    this.closeAfter = !this.request.keepAlive;
    let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}\r\n${headLines}`;
    // a 204 has no body and no Content-Length (RFC 9110 8.6)
    if (status !== 204) head += `Content-Length: ${bytes.length}\r\n`;
    if (this.closeAfter) head += 'Connection: close\r\n';
    head += '\r\n';
    // header values are written as UTF-8 (a client context may hold any
    // text); most heads are ASCII, where that is one byte a character
    const headLength = Buffer.byteLength(head);
    // small answers as one buffer: one write
    if (bytes.length <= 16384) {
      const out = Buffer.allocUnsafe(headLength + bytes.length);
      out.write(head, 0, headLength, 'utf8');
      bytes.copy(out, headLength);
      this.data = [out];
    } else {
      this.data = [Buffer.from(head, 'utf8'), bytes];
    }
    this.connection.answered();
  }

  /**
   * Starts a streamed answer (chunked transfer encoding): `status` and the
   * extra header lines now, then `write` and `end`. Its bytes leave as they
   * come once the answers before it are out.
   */
  public stream(status: number, headLines: string): Http1StreamWriter {
    if (this.data !== undefined) throw new Error('Http1Response: already answered');
    // an HTTP/1.0 client knows no chunked encoding: the body ends with the connection (no trailers)
    const chunked = this.request.version === '1.1';
    this.closeAfter = !this.request.keepAlive || !chunked;
    this.streaming = true;
    let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}\r\n${headLines}`;
    if (chunked) head += 'Transfer-Encoding: chunked\r\n';
    if (this.closeAfter) head += 'Connection: close\r\n';
    this.data = [Buffer.from(`${head}\r\n`, 'utf8')];
    this.connection.answered();
    return {
      write: (chunk) => {
        if (this.ended || chunk.length === 0) return !this.connection.backedUp;
        if (chunked) this.data!.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, CRLF_BYTES);
        else this.data!.push(chunk);
        this.connection.answered();
        return !this.connection.backedUp;
      },
      end: (trailerLines = '') => {
        if (this.ended) return;
        this.ended = true;
        if (chunked) this.data!.push(Buffer.from(`0\r\n${trailerLines}\r\n`, 'utf8'));
        this.connection.answered();
      },
      onDrain: (listener) => this.connection.onDrain(listener),
    };
  }

}

const CRLF_BYTES = Buffer.from('\r\n');

/** The writing end of a streamed answer. */
export interface Http1StreamWriter {
  /** Sends one chunk; false when the connection is backed up (wait for `onDrain`). */
  write(chunk: Buffer): boolean;
  /** Sends the last chunk, with trailer lines (each `Name: value\r\n`). */
  end(trailerLines?: string): void;
  /** Calls `listener` once the connection's send buffer has drained. */
  onDrain(listener: () => void): void;
}

export type Http1Handler = (req: Http1Request, res: Http1Response) => void;

/** One client connection: parse, dispatch, write answers in order. */
class Http1Connection implements Http1ParserEvents {
  public closed = false;
  private readonly parser: Http1RequestParser;
  /** answers not yet written, in request order */
  private readonly queue: Http1Response[] = [];
  /** inside a `data` event: answers wait for the end of it */
  private reading = false;
  private holdTimer: NodeJS.Timeout | undefined;
  private ending = false;

  constructor(private readonly socket: Socket, private readonly handler: Http1Handler, bodyLimit: number) {
    this.parser = new Http1RequestParser(this, bodyLimit);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.gone());
    socket.on('end', () => {
      // the client is done sending: a body cut short is lost; else answer what is pending, then close
      this.ending = true;
      if (this.parser.inBody) socket.destroy();
      else if (this.queue.length === 0) socket.end();
    });
  }

  /** True while the socket holds more unsent bytes than its high-water mark. */
  public get backedUp(): boolean {
    return this.socket.writableNeedDrain;
  }

  public onDrain(listener: () => void): void {
    if (!this.backedUp || this.closed) return listener();
    this.socket.once('drain', listener);
  }

  public onHead(req: Http1Request): void {
    req.flow = { pause: () => this.socket.pause(), resume: () => this.socket.resume() };
    const res = new Http1Response(this, req);
    this.queue.push(res);
    // the interim answer goes out only in its turn: when no earlier answer is pending
    if (req.expectContinue && !req.complete && this.queue.length === 1) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    this.handler(req, res);
  }

  public onComplete(req: Http1Request): void {
    const onEnd = req.onEnd;
    req.onEnd = undefined;
    req.onAbort = undefined;
    onEnd?.();
  }

  /** An answer was given: write what can go. */
  public answered(): void {
    if (!this.reading) this.flush(false);
  }

  public destroy(): void {
    this.socket.destroy();
  }

  private data(chunk: Buffer): void {
    this.reading = true;
    try {
      this.parser.push(chunk);
    } catch (err) {
      this.reading = false;
      this.fail(err);
      return;
    }
    this.reading = false;
    this.flush(false);
  }

  /**
   * Writes the answers at the head of the queue that are ready. Unless
   * `force`, finished answers are held while a later request is unanswered.
   */
  private flush(force: boolean): void {
    if (this.closed) return;
    const queue = this.queue;
    if (queue[0]?.streaming) return this.flushStream();
    let ready = 0;
    while (ready < queue.length && queue[ready].data !== undefined && !queue[ready].streaming) ready++;
    if (ready === 0) return;
    if (!force && ready < queue.length) {
      // a later request waits for its answer: this one goes out with it
      if (!this.holdTimer) {
        this.holdTimer = setTimeout(() => this.flush(true), HOLD_LIMIT_MS);
        this.holdTimer.unref();
      } else {
        this.holdTimer.refresh();
      }
      return;
    }
    const out = queue.splice(0, ready);
    let close = false;
    const buffers: Buffer[] = [];
    let size = 0;
    for (const res of out) {
      for (const b of res.data!) {
        buffers.push(b);
        size += b.length;
      }
      if (res.closeAfter) {
        // nothing after a `Connection: close` answer
        close = true;
        queue.length = 0;
        break;
      }
    }
    if (buffers.length === 1) {
      this.socket.write(buffers[0]);
    } else if (size <= 65536) {
      this.socket.write(Buffer.concat(buffers, size));
    } else {
      this.socket.cork();
      for (const b of buffers) this.socket.write(b);
      this.socket.uncork();
    }
    if (close || (this.ending && queue.length === 0)) this.closeWhenWritten();
    else if (queue[0]?.streaming) this.flushStream();
  }

  /** Writes what the streamed answer at the head of the queue has; once it ended, what follows it. */
  private flushStream(): void {
    const res = this.queue[0];
    const data = res.data!;
    res.data = [];
    if (data.length === 1) {
      this.socket.write(data[0]);
    } else if (data.length > 1) {
      this.socket.cork();
      for (const b of data) this.socket.write(b);
      this.socket.uncork();
    }
    if (!res.ended) return;
    this.queue.shift();
    if (res.closeAfter) {
      this.queue.length = 0;
      return this.closeWhenWritten();
    }
    if (this.queue.length > 0) this.flush(false);
    else if (this.ending) this.closeWhenWritten();
  }

  private fail(err: unknown): void {
    const status = err instanceof Http1ParseError ? err.status : 400;
    const message = err instanceof Error ? err.message : String(err);
    // what was answered before goes first; then the error, then the end
    this.flush(true);
    const body = JSON.stringify({ errorMessage: message, errorType: STATUS_TEXT[status]?.replace(/ /g, '') ?? 'BadRequest' });
    const head = `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    this.socket.write(head + body);
    this.closeWhenWritten();
  }

  private closeWhenWritten(): void {
    this.socket.end();
    // a peer that does not read must not hold the connection forever
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    const cut = this.parser.inBody;
    if (cut) {
      const onAbort = cut.onAbort;
      cut.onEnd = undefined;
      cut.onAbort = undefined;
      onAbort?.(new Error(`request body truncated after ${cut.size} bytes`));
    }
    for (const res of this.queue.splice(0)) {
      const onClose = res.onClose;
      res.onClose = undefined;
      onClose?.();
    }
  }
}

/** A server of Http1Connections on 127.0.0.1. */
export class Http1Server {
  private readonly server: Server;
  private readonly connections = new Set<Http1Connection>();

  constructor(handler: Http1Handler, bodyLimit: number) {
    // half-open: a client that ends its side after a request still gets the answer
    this.server = createServer({ allowHalfOpen: true }, (socket) => {
      const connection = new Http1Connection(socket, handler, bodyLimit);
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
  }

  /** Listens on `host:port` and returns the port. */
  public listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /** Stops listening and drops every connection. */
  public close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const connection of this.connections) connection.destroy();
      this.connections.clear();
    });
  }
}
