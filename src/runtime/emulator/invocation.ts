/** One invocation as it travels from the Invoke API to a runtime and back. */
import { randomFillSync } from 'node:crypto';

/** What the runtime (or the platform, on a fault) answered for an invocation. */
export type InvocationOutcome =
  | {
    readonly kind: 'response';
    readonly body: Buffer;
    readonly contentType?: string;
    /** true when the runtime streamed it (then `body` holds it only when nobody listened) */
    readonly streamed?: boolean;
  }
  | {
    readonly kind: 'error';
    readonly body: Buffer;
    /** `Lambda-Runtime-Function-Error-Type` or the platform's error type */
    readonly errorType: string;
    /** true when the platform made the error (timeout, exit, size...), not the function */
    readonly platform: boolean;
  };

/**
 * Receives a streamed response as it arrives (see streaming.ts). Without one,
 * a streamed response is collected into the invocation's result.
 */
export interface ResponseStreamListener {
  /** The runtime began its streamed response, with this content type. */
  start(contentType: string): void;
  /** Bytes of the response; false asks the runtime to wait until `whenReady` calls back. */
  chunk(data: Buffer): boolean;
  /** Calls `resume` once the listener can take more. */
  whenReady(resume: () => void): void;
}

/** The event and the per-invoke data the Runtime API hands to `next`. */
export interface Invocation {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  /** JSON text for `Lambda-Runtime-Client-Context` */
  readonly clientContext?: string;
  /** JSON text for `Lambda-Runtime-Cognito-Identity` */
  readonly cognitoIdentity?: string;
  readonly tenantId?: string;
  /** The function's timeout; the deadline is this long after the event is handed out */
  readonly timeoutMs: number;
  /** Unix ms; set when the event is handed to the runtime */
  deadlineMs: number;
  /** performance.now() when the event was handed to the runtime */
  startedAt: number;
  /** Where a streamed response goes as it arrives; cleared once the invocation has its result. */
  stream?: ResponseStreamListener;
}

/**
 * Builds a `_X_AMZN_TRACE_ID`-style X-Ray header for an invocation that came
 * without one: `Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0|1;Lineage=...`
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader).
 * Unsampled unless told (see xray.ts for when Lambda samples).
 */
export function newTraceId(sampled = false): string {
  const hex = randomHex(48);
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${hex.slice(0, 24)};Parent=${hex.slice(24, 40)};Sampled=${sampled ? 1 : 0};Lineage=1:${hex.slice(40)}:0`;
}

// random bytes are drawn in blocks: one call into the CSPRNG per 170 trace ids, not three per id
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** `length` (even) random hex digits. */
function randomHex(length: number): string {
  const bytes = length / 2;
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
}
