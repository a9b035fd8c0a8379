/**
 * A minimal HTTP/1.1 response parser for the socket transport: status,
 * headers, and a body framed by Content-Length or chunked encoding (what the
 * Runtime API sends). Feed it bytes; it returns the responses they complete.
 */

export interface ParsedResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

export class Http1ResponseParser {
  private buffer: Buffer = Buffer.alloc(0);

  /** Adds received bytes; returns every response now complete, in order. */
  public push(chunk: Buffer): ParsedResponse[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: ParsedResponse[] = [];
    for (;;) {
      const parsed = this.parseOne();
      if (!parsed) return out;
      out.push(parsed);
    }
  }

  /** True while part of a response has been received. */
  public get partial(): boolean {
    return this.buffer.length > 0;
  }

  private parseOne(): ParsedResponse | undefined {
    const buf = this.buffer;
    const headEnd = buf.indexOf(HEAD_END);
    if (headEnd < 0) return undefined;
    // scanned by hand (no regular expression, no split): this runs twice per invocation
    // header values are UTF-8 (the emulator writes them so; AWS's client reads them so)
    const head = buf.toString('utf8', 0, headEnd);
    const status = statusOf(head);
    if (!status) {
      const lineEnd = head.indexOf('\r\n');
      throw new Error(`Runtime API: not an HTTP/1.1 response: ${JSON.stringify(lineEnd < 0 ? head : head.slice(0, lineEnd))}`);
    }
    const headers: Record<string, string> = {};
    let at = head.indexOf('\r\n');
    while (at >= 0) {
      const start = at + 2;
      const next = head.indexOf('\r\n', start);
      const end = next < 0 ? head.length : next;
      const colon = head.indexOf(':', start);
      if (colon > start && colon < end) headers[head.slice(start, colon).trim().toLowerCase()] = head.slice(colon + 1, end).trim();
      at = next;
    }
    const bodyStart = headEnd + HEAD_END.length;
    let body: Buffer;
    let end: number;
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const chunked = decodeChunked(buf, bodyStart);
      if (!chunked) return undefined;
      ({ body, end } = chunked);
    } else {
      const length = status === 204 || status === 304 ? 0 : Number(headers['content-length'] ?? 0);
      end = bodyStart + length;
      if (buf.length < end) return undefined;
      body = buf.subarray(bodyStart, end);
    }
    this.buffer = buf.subarray(end);
    return { status, headers, body };
  }
}

/** The status of a head that starts `HTTP/1.0 ddd` or `HTTP/1.1 ddd`, else 0. */
function statusOf(head: string): number {
  if (head.length < 12 || !head.startsWith('HTTP/1.') || (head[7] !== '0' && head[7] !== '1') || head[8] !== ' ') return 0;
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const digit = head.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return 0;
    status = status * 10 + digit;
  }
  return status;
}

/** Decodes a chunked body starting at `start`; undefined until it is all there. */
function decodeChunked(buf: Buffer, start: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.toString('latin1', at, lineEnd).split(';')[0], 16);
    if (Number.isNaN(size)) throw new Error('Runtime API: bad chunk size');
    at = lineEnd + 2;
    if (size === 0) {
      // optional trailers, then an empty line
      const trailersEnd = buf.indexOf(CRLF, at) === at ? at : buf.indexOf(HEAD_END, at);
      if (trailersEnd < 0) return undefined;
      const end = trailersEnd === at ? at + 2 : trailersEnd + 4;
      return { body: Buffer.concat(parts), end };
    }
    if (buf.length < at + size + 2) return undefined;
    parts.push(buf.subarray(at, at + size));
    at += size + 2;
  }
}
