/**
 * How the client sends its HTTP requests to the Runtime API; one contract,
 * two ways:
 *
 * - `socketTransport`: one kept-alive `node:net` connection (Node.js, Bun)
 *   with HTTP/1.1 pipelining: the `response` POST and the next `next` go out
 *   back to back and are answered in order, which saves a round trip per
 *   invocation. The server handles them one after the other (as Lambda's
 *   does), so `next` still comes after the response.
 * - `fetchTransport`: the standard `fetch`, one request at a time, for
 *   engines without `node:net`. `TS_LAMBDA_RIC_TRANSPORT=fetch` forces it.
 *
 * While nothing is in flight the connection does not hold the event loop, so
 * `callbackWaitsForEmptyEventLoop` sees only the function's own work.
 */
import { Http1ResponseParser, ParsedResponse } from './http1-parser';

/** An answer of the Runtime API. */
export interface TransportResponse {
  readonly status: number;
  readonly body: string;
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
}

export interface Transport {
  /** True when a request may go out before the previous one is answered. */
  readonly pipelining: boolean;
  /** Sends a request; `path` starts with `/`. */
  request(method: 'GET' | 'POST', path: string, body?: string, headers?: Record<string, string>): Promise<TransportResponse>;
}

/** The standard way: `fetch`, one request at a time. */
export function fetchTransport(address: string): Transport {
  return {
    pipelining: false,
    async request(method, path, body, headers) {
      const res = await fetch(`http://${address}${path}`, { method, body, headers });
      const text = await res.text();
      return { status: res.status, body: text, header: (name) => utf8Header(res.headers.get(name)) };
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A header value from `fetch`, which gives a header's bytes one character
 * each (a "byte string", as the Fetch standard says), as the UTF-8 text the
 * Runtime API sent (a client context may hold any text). A value that is not
 * valid UTF-8 is returned as it came.
 */
export function utf8Header(value: string | null): string | undefined {
  if (value === null) return undefined;
  let bytes: Uint8Array | undefined;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return value; // not a byte string: already decoded
    if (code > 0x7f && !bytes) bytes = new Uint8Array(value.length);
  }
  if (!bytes) return value; // ASCII
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
  try {
    return utf8.decode(bytes);
  } catch {
    return value;
  }
}

interface Waiter {
  resolve(response: TransportResponse): void;
  reject(error: Error): void;
}

/** One `node:net` connection, HTTP/1.1 requests pipelined and answered in order. */
export async function socketTransport(address: string): Promise<Transport> {
  const net = await import('node:net');
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  let socket: import('node:net').Socket | undefined;
  let parser = new Http1ResponseParser();
  const waiting: Waiter[] = [];

  const holdLoop = () => {
    if (!socket) return;
    if (waiting.length > 0) socket.ref();
    else socket.unref();
  };
  const connect = () => {
    const s = net.connect(port, host);
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => {
      let responses: ParsedResponse[];
      try {
        responses = parser.push(chunk);
      } catch (err) {
        s.destroy(err as Error);
        return;
      }
      for (const res of responses) {
        const text = res.body.toString('utf8');
        waiting.shift()?.resolve({ status: res.status, body: text, header: (name) => res.headers[name] });
      }
      holdLoop();
    });
    const fail = (error: Error) => {
      if (socket === s) {
        socket = undefined;
        // what was not written yet was for this connection
        outgoing = [];
      }
      parser = new Http1ResponseParser();
      for (const waiter of waiting.splice(0)) waiter.reject(error);
    };
    s.on('error', fail);
    s.on('close', () => fail(new Error('Runtime API: connection closed')));
    return s;
  };

  // requests made in one turn of the event loop (the response POST and the
  // next `next`) leave in one write: one packet, one wake-up of the server
  let outgoing: string[] = [];
  let flushing = false;
  const flush = () => {
    flushing = false;
    const s = socket;
    const text = outgoing.length === 1 ? outgoing[0] : outgoing.join('');
    outgoing = [];
    if (s) s.write(text);
  };
  const later: (fn: () => void) => void = typeof process !== 'undefined' && typeof process.nextTick === 'function'
    ? (fn) => process.nextTick(fn)
    : (fn) => setTimeout(fn, 0);

  return {
    pipelining: true,
    request(method, path, body, headers = {}) {
      if (!socket) socket = connect();
      let head = `${method} ${path} HTTP/1.1\r\nHost: ${address}\r\n`;
      for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
      if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
      const promise = new Promise<TransportResponse>((resolve, reject) => waiting.push({ resolve, reject }));
      outgoing.push(body === undefined ? `${head}\r\n` : `${head}\r\n${body}`);
      if (!flushing) {
        flushing = true;
        later(flush);
      }
      holdLoop();
      return promise;
    },
  };
}

/** The socket transport where the engine has `node:net` and fetch is not forced, else fetch. */
export async function selectTransport(address: string): Promise<Transport> {
  if (process.env.TS_LAMBDA_RIC_TRANSPORT === 'fetch') return fetchTransport(address);
  try {
    return await socketTransport(address);
  } catch {
    return fetchTransport(address);
  }
}
