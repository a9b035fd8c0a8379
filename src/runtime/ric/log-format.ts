/**
 * Console output framed as the managed runtime frames it (text format):
 * `<ISO time>\t<request id>\t<LEVEL>\t<message>`, one line per call, inner
 * newlines turned into `\r` so a log line stays one record.
 */
let currentRequestId: string | undefined;

/** The request id printed on each line from now on. */
export function setLogRequestId(requestId: string | undefined): void {
  currentRequestId = requestId;
}

const LEVELS: Array<[keyof Console, string]> = [
  ['log', 'INFO'], ['info', 'INFO'], ['debug', 'DEBUG'], ['warn', 'WARN'], ['error', 'ERROR'], ['trace', 'TRACE'],
];

/** Wraps console's methods; every level goes to stdout, as in the managed runtime. */
export async function patchConsole(): Promise<void> {
  let format: (...args: unknown[]) => string;
  try {
    format = (await import('node:util')).format;
  } catch {
    format = (...args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  }
  const write = console.log.bind(console);
  for (const [method, level] of LEVELS) {
    (console as any)[method] = (...args: unknown[]) => {
      const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}`;
      write(line.replace(/\n/g, '\r'));
    };
  }
}
