/**
 * What the emulator does for a function's X-Ray tracing mode
 * (`TracingConfig.Mode`), without AWS: the sampling decision in the trace
 * header, and a stand-in for the X-Ray daemon that receives the segments an
 * SDK sends and keeps count of them (nothing is sent to X-Ray).
 */
import { createSocket, Socket } from 'node:dgram';

/** `TracingConfig.Mode` of a function. */
export type TracingMode = 'Active' | 'PassThrough';

/**
 * Lambda's sampling with Active tracing: without a tracing header, "Lambda
 * will sample the request based on a fixed rate" (the CDK's `Tracing.ACTIVE`,
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda.Tracing.html),
 * the rate the Lambda guide gives as 1 request per second and 5 percent of
 * the additional ones, not configurable for a function
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html); that is
 * X-Ray's default rule, a reservoir of the first request each second and a
 * fixed rate of 5% of the others
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html).
 * One sampler per function, as the reservoir is per function.
 */
export class ActiveSampler {
  /** the second (Unix, whole) whose reservoir request was taken */
  private reservoirSecond = -1;

  /**
   * @param random a number in [0, 1), for the fixed rate
   * @param now Unix ms
   */
  constructor(private readonly random: () => number = Math.random, private readonly now: () => number = Date.now) {}

  /** True when a new request (one without a sampling decision) is to be sampled. */
  public sample(): boolean {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.reservoirSecond) {
      this.reservoirSecond = second;
      return true;
    }
    return this.random() < 0.05;
  }
}

/**
 * The `Sampled` field of an X-Ray trace header (`Root=1-...;Parent=...;Sampled=1;Lineage=...`,
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader):
 * '1' or '0', or undefined when it has none (or `Sampled=?`, a decision asked of the service).
 */
export function samplingDecision(header: string): '0' | '1' | undefined {
  const m = /(?:^|;)\s*Sampled=([01])\s*(?:;|$)/.exec(header);
  return m ? (m[1] as '0' | '1') : undefined;
}

/** The trace id (`1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx`) of a trace header, or undefined. */
export function traceRoot(header: string): string | undefined {
  return /(?:^|;)\s*Root=([^;\s]+)/.exec(header)?.[1];
}

/**
 * The header an invocation runs with, given the one it came with (if any) and
 * the function's mode. An incoming decision (`Sampled=0|1`) is kept in both
 * modes. Without one: PassThrough leaves it as it came (no header: a new,
 * unsampled one), since "Lambda will only trace the request from an upstream
 * service if it contains a tracing header with sampled=1"
 * (https://docs.aws.amazon.com/lambda/latest/api/API_TracingConfig.html, the
 * CDK's `Tracing.PASS_THROUGH`); Active samples per `ActiveSampler`.
 * @returns undefined when the emulator's default (a new `Sampled=0` header) applies
 */
export function invocationTraceHeader(
  incoming: string | undefined, mode: TracingMode | undefined, sampler: ActiveSampler | undefined, newHeader: (sampled: boolean) => string,
): string | undefined {
  if (mode !== 'Active' || !sampler) return incoming;
  if (incoming === undefined || traceRoot(incoming) === undefined) return newHeader(sampler.sample());
  if (samplingDecision(incoming) !== undefined) return incoming;
  const decided = `Sampled=${sampler.sample() ? 1 : 0}`;
  return /(?:^|;)\s*Sampled=\?/.test(incoming) ? incoming.replace(/Sampled=\?/, decided) : `${incoming};${decided}`;
}

/** The daemon protocol's header line, before the segment document (see `XRayDaemon`). */
const DAEMON_HEADER = { format: 'json', version: 1 };
/** trace ids whose counts are kept (the oldest are forgotten first) */
const MAX_TRACES = 1000;

/**
 * A stand-in for the X-Ray daemon on 127.0.0.1 (any free UDP port): an SDK
 * sends each segment document as one datagram, `{"format": "json", "version": 1}`,
 * a newline, then the segment's JSON
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-daemon).
 * Each well-formed document is counted under its `trace_id`; anything else
 * is counted as bad and dropped. Nothing is forwarded to X-Ray.
 */
export class XRayDaemon {
  /** Opens the socket; `address` resolves once it listens. */
  public static start(): XRayDaemon {
    return new XRayDaemon();
  }

  /** `127.0.0.1:<port>`, for `AWS_XRAY_DAEMON_ADDRESS`. */
  public readonly address: Promise<string>;
  /** Datagrams that were not a daemon header plus a segment document with a trace id. */
  public bad = 0;
  private readonly socket: Socket;
  private readonly counts = new Map<string, number>();
  private closed = false;

  private constructor() {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg) => this.receive(msg));
    // a socket error must not take the emulator down; the socket is simply gone
    this.socket.on('error', () => undefined);
    this.address = new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(0, '127.0.0.1', () => resolve(`127.0.0.1:${this.socket.address().port}`));
    });
    // the address is awaited by the environments; an unhandled failure here is theirs to report
    this.address.catch(() => undefined);
    this.socket.unref();
  }

  /** Segment documents received so far for the trace of `header` (a trace header or a bare trace id). */
  public segments(header: string): number {
    return this.counts.get(traceRoot(header) ?? header) ?? 0;
  }

  public close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  private receive(msg: Buffer): void {
    const traceId = parseDatagram(msg);
    if (traceId === undefined) {
      this.bad++;
      return;
    }
    const count = (this.counts.get(traceId) ?? 0) + 1;
    this.counts.delete(traceId);
    this.counts.set(traceId, count);
    if (this.counts.size > MAX_TRACES) this.counts.delete(this.counts.keys().next().value!);
  }
}

/** The trace id of a daemon datagram, or undefined when it is not one. */
export function parseDatagram(msg: Buffer): string | undefined {
  const text = msg.toString('utf8');
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(text.slice(0, newline));
    if (header?.format !== DAEMON_HEADER.format || header?.version !== DAEMON_HEADER.version) return undefined;
    const doc = JSON.parse(text.slice(newline + 1));
    return typeof doc?.trace_id === 'string' && doc.trace_id !== '' ? doc.trace_id : undefined;
  } catch {
    return undefined;
  }
}
