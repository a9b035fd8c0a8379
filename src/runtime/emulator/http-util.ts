/** Small helpers for the emulator's node:http server (the Invoke API; the Runtime API has its own, http1-server.ts). */
import { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Writes `body` as a JSON answer with the given status. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A request body read up to a limit; what exceeds the limit is read and dropped. */
export interface LimitedBody {
  /** The body, or its first `limit` bytes when it was larger. */
  readonly body: Buffer;
  /** The full size that was sent. */
  readonly size: number;
  /** True when the body was larger than the limit. */
  readonly overflow: boolean;
}

/**
 * Reads a request body, keeping at most `limit` bytes. The whole body is
 * always consumed, so the answer can go out on a healthy keep-alive socket.
 * Rejects when the connection ends before the body does.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<LimitedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size + chunk.length <= limit) {
        chunks.push(chunk);
      } else if (size < limit) {
        chunks.push(chunk.subarray(0, limit - size));
      }
      size += chunk.length;
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      resolve({ body, size, overflow: size > limit });
    });
    // the sender went away before the whole body came ('aborted' error, or close)
    const truncated = () => {
      if (!ended) reject(new Error(`request body truncated after ${size} bytes`));
    };
    req.on('error', truncated);
    req.on('close', truncated);
  });
}
