/**
 * Console output framed as the managed Node.js runtime frames it, on stdout:
 *
 * - text (default): `<ISO time>\t<request id>\t<LEVEL>\t<message>`;
 * - JSON (`AWS_LAMBDA_LOG_FORMAT=JSON`, as Lambda sets for a function with
 *   the JSON log format): `{"timestamp","level","requestId","message"}`, an
 *   Error as `errorType`/`errorMessage`/`stackTrace`.
 *
 * `AWS_LAMBDA_LOG_LEVEL` (TRACE, DEBUG, INFO, WARN, ERROR, FATAL) drops the
 * levels below it; `console.log` is INFO; `console.fatal` is added. Inner
 * newlines become `\r` so that one call stays one log record.
 *
 * When invocations overlap (`AWS_LAMBDA_MAX_CONCURRENCY` set), every line
 * is JSON whatever the log format, and its ids are those of the invocation
 * whose code logs it, read from the invoke store, as AWS's client does
 * (aws-lambda-ric 4.x: `SocketLogger` in src/logging/, chosen by `LogPatch.createLogger`).
 */
import { intoError, toFormatted } from './errors';
import { followsRic4Rules } from './runtime-rules';

let currentRequestId: string | undefined;
let currentTenantId: string | undefined;
/**
 * The request id of lines outside an invocation: `-` with 4.x's rules (nodejs24.x on, Managed Instances)
 * (aws-lambda-ric 4.0.2 invoke store `getRequestId() ?? "-"`), none before
 * (3.x prints `undefined` in text, omits it in JSON).
 */
let noRequestId: string | undefined;
/** where the ids come from when invocations overlap */
let idsSource: { getRequestId(): string; getTenantId(): string | undefined } | undefined;

/** From now on, the request and tenant id of each line come from `source` (the invoke store). */
export function readLogIdsFrom(source: { getRequestId(): string; getTenantId(): string | undefined }): void {
  idsSource = source;
}

/** The request (and tenant) id printed on each line from now on. */
export function setLogRequestId(requestId: string | undefined, tenantId?: string): void {
  currentRequestId = requestId ?? noRequestId;
  currentTenantId = tenantId;
}

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
type Level = typeof LEVELS[number];
const METHODS: Array<[string, Level]> = [
  ['trace', 'TRACE'], ['debug', 'DEBUG'], ['info', 'INFO'], ['log', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['fatal', 'FATAL'],
];

type Format = (...args: unknown[]) => string;

/** Replaces console's methods; each writes one framed line through the engine's console.log. */
export async function patchConsole(): Promise<void> {
  let format: Format;
  try {
    format = (await import('node:util')).format;
  } catch {
    format = (...args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  }
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON' || process.env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined;
  noRequestId = followsRic4Rules() ? '-' : undefined;
  currentRequestId ??= noRequestId;
  const threshold = Math.max(0, LEVELS.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? 'TRACE') as Level));
  const write = process.env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined ? await syncStdout() : console.log.bind(console);
  const line = json ? jsonLine(format) : textLine(format);
  for (const [method, level] of METHODS) {
    (console as any)[method] = LEVELS.indexOf(level) >= threshold
      ? (...args: unknown[]) => write(line(level, args).replace(/\n/g, '\r'))
      : () => {};
  }
}

/**
 * Writes a line to fd 1 at once, as AWS's client does when invocations
 * overlap (aws-lambda-ric 4.x src/logging/socket-logger.ts, `fs.writeSync`):
 * a worker thread's `console.log` reaches stdout through the main thread,
 * later than the answer the worker posts, so the line would miss its
 * invocation's log.
 */
async function syncStdout(): Promise<(line: string) => void> {
  try {
    const { writeSync } = await import('node:fs');
    return (line) => {
      // a full pipe may take part of it (or nothing: EAGAIN) at a time
      const bytes = Buffer.from(`${line}\n`);
      for (let at = 0; at < bytes.length;) {
        try {
          at += writeSync(1, bytes, at);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        }
      }
    };
  } catch {
    return console.log.bind(console);
  }
}

/**
 * Logs a failure (`Invoke Error`, `Init Error`, `Uncaught Exception`...)
 * the way the managed runtime does (aws-lambda-ric `LogPatch.structuredConsole.logError`):
 * anything not an Error is wrapped in one; text format: the label, a tab and
 * the error as JSON with its `stack` and own properties; JSON format: the error record.
 */
export function logRuntimeError(what: string, error: unknown): void {
  const err = intoError(error);
  if (process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON') console.error(err);
  else console.error(what, toFormatted(err));
}

function textLine(format: Format) {
  return (level: Level, args: unknown[]) => `${new Date().toISOString()}\t${idsSource ? idsSource.getRequestId() : currentRequestId}\t${level}\t${format(...args)}`;
}

function jsonLine(format: Format) {
  return (level: Level, args: unknown[]) => {
    const requestId = idsSource ? idsSource.getRequestId() : currentRequestId;
    const record: Record<string, unknown> = { timestamp: new Date().toISOString(), level, requestId };
    const tenantId = idsSource ? idsSource.getTenantId() : currentTenantId;
    if (tenantId) record.tenantId = tenantId;
    if (args.length === 1) {
      record.message = args[0];
      try {
        return JSON.stringify(record, (_key, value) => (value instanceof Error ? errorFields(value) : value));
      } catch {
        record.message = format(args[0]);
        return JSON.stringify(record);
      }
    }
    record.message = format(...args);
    const error = args.find((a): a is Error => a instanceof Error);
    if (error) Object.assign(record, errorFields(error));
    return JSON.stringify(record);
  };
}

function errorFields(error: Error): Record<string, unknown> {
  return {
    errorType: error.constructor?.name ?? 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
    ...error,
  };
}
