/**
 * Watches a runtime process's Node.js inspector for pauses, so that the
 * function's timeout is suspended while a debugger holds it at a breakpoint
 * (`ts-lambda invoke --inspect`). It is a second Chrome DevTools Protocol
 * session on the process's inspector WebSocket (Node.js accepts several):
 * it enables the Debugger domain and listens for `Debugger.paused` and
 * `Debugger.resumed`; it never sends `Runtime.runIfWaitingForDebugger`, so
 * a process waiting for a debugger keeps waiting for the user's.
 *
 * A WebSocket client of its own (RFC 6455: masked client frames, text and
 * control frames, fragments), small enough not to need a dependency in the
 * CLI bundle.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Socket } from 'node:net';

/** Called with true when the process pauses, false when it resumes. */
export type PauseListener = (paused: boolean) => void;

export interface DebuggerWatch {
  close(): void;
}

/** Connects to `wsUrl` (ws://host:port/uuid) and reports pauses; errors end the watch quietly. */
export function watchDebugger(wsUrl: string, onPause: PauseListener): DebuggerWatch {
  let socket: Socket | undefined;
  let closed = false;
  const url = new URL(wsUrl);
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    headers: {
      'Connection': 'Upgrade',
      'Upgrade': 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    },
  });
  req.on('error', () => undefined);
  req.on('upgrade', (_res, sock: Socket, head: Buffer) => {
    if (closed) {
      sock.destroy();
      return;
    }
    socket = sock;
    sock.on('error', () => undefined);
    let buffer = head;
    let message: Buffer[] = [];
    sock.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const frame = readFrame(buffer);
        if (!frame) return;
        buffer = buffer.subarray(frame.size);
        if (frame.opcode === 0x8) {
          sock.end();
          return;
        }
        if (frame.opcode === 0x9) {
          sock.write(encodeFrame(0xa, frame.payload));
          continue;
        }
        if (frame.opcode === 0x1 || frame.opcode === 0x0) {
          message.push(frame.payload);
          if (!frame.fin) continue;
          const text = Buffer.concat(message).toString('utf8');
          message = [];
          let method: unknown;
          try {
            method = (JSON.parse(text) as { method?: unknown }).method;
          } catch {
            continue;
          }
          if (method === 'Debugger.paused') onPause(true);
          else if (method === 'Debugger.resumed') onPause(false);
        }
      }
    });
    sock.write(encodeFrame(0x1, Buffer.from(JSON.stringify({ id: 1, method: 'Debugger.enable' }))));
  });
  req.end();
  return {
    close() {
      closed = true;
      req.destroy();
      socket?.destroy();
    },
  };
}

/** One frame from the server (unmasked), or undefined when `buffer` does not hold a whole one yet. */
function readFrame(buffer: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  /* eslint-disable no-bitwise */
  const fin = (buffer[0] & 0x80) !== 0;
  const opcode = buffer[0] & 0x0f;
  const masked = (buffer[1] & 0x80) !== 0;
  let length = buffer[1] & 0x7f;
  /* eslint-enable no-bitwise */
  let at = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    at = 10;
  }
  const mask = masked ? buffer.subarray(at, at + 4) : undefined;
  if (masked) at += 4;
  if (buffer.length < at + length) return undefined;
  const payload = Buffer.from(buffer.subarray(at, at + length));
  // eslint-disable-next-line no-bitwise
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
  return { fin, opcode, payload, size: at + length };
}

/** A client frame: always masked (RFC 6455 section 5.3). */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const header = payload.length < 126 ? Buffer.alloc(2) : payload.length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  /* eslint-disable no-bitwise */
  header[0] = 0x80 | opcode;
  if (payload.length < 126) {
    header[1] = 0x80 | payload.length;
  } else if (payload.length < 65536) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i % 4];
  /* eslint-enable no-bitwise */
  return Buffer.concat([header, mask, body]);
}
