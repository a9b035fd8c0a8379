/**
 * The Runtime API (2018-06-01) as seen from the runtime: `next`, `response`,
 * `error` and `init/error`, over a transport (transport.ts).
 */
import { ErrorDocument } from './errors';
import { Transport } from './transport';

/** An event from `invocation/next` and its headers. */
export interface NextInvocation {
  /** The event as JSON text. */
  readonly body: string;
  readonly requestId: string;
  /** A `next` response header by lower-case name. */
  header(name: string): string | undefined;
}

const BASE = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

export class RuntimeApiClient {
  /**
   * @param transport for `next` (and, when `posts` is not given, everything)
   * @param address `host:port` of the Runtime API, where streamed responses
   * open their own connection (stream/response-stream.ts)
   * @param posts for responses and errors, when `next` may be waiting while
   * an invocation answers (concurrent invocations): its own connection, so
   * that an answer does not queue behind a `next` on a pipelined one
   */
  constructor(private readonly transport: Transport, public readonly address?: string, private readonly posts: Transport = transport) {}

  /** Waits for the next event (no timeout: it may come minutes later). */
  public async next(): Promise<NextInvocation> {
    const res = await this.transport.request('GET', `${BASE}/invocation/next`);
    if (res.status !== 200) throw new Error(`Runtime API: GET invocation/next answered ${res.status}: ${res.body}`);
    const requestId = res.header('lambda-runtime-aws-request-id');
    if (!requestId) throw new Error('Runtime API: invocation/next gave no Lambda-Runtime-Aws-Request-Id');
    return { body: res.body, requestId, header: res.header };
  }

  /**
   * Posts the handler's result (JSON text). Resolves once the API answered,
   * or at once when the transport pipelines and `acknowledged` is false.
   */
  public respond(requestId: string, json: string, acknowledged = false): Promise<void> {
    return this.post(`invocation/${encodeURIComponent(requestId)}/response`, json, { 'Content-Type': 'application/json' }, acknowledged);
  }

  /** Posts the handler's error (same resolution as `respond`). */
  public invocationError(requestId: string, error: ErrorDocument, acknowledged = false): Promise<void> {
    return this.post(`invocation/${encodeURIComponent(requestId)}/error`, JSON.stringify(error), {
      'Content-Type': 'application/json',
      [ERROR_TYPE_HEADER]: error.errorType,
    }, acknowledged);
  }

  /** Posts an error that happened before the first `next`; resolves once answered. */
  public initError(error: ErrorDocument): Promise<void> {
    return this.post('init/error', JSON.stringify(error), {
      'Content-Type': 'application/json',
      [ERROR_TYPE_HEADER]: error.errorType,
    }, true);
  }

  private post(path: string, body: string, headers: Record<string, string>, acknowledged: boolean): Promise<void> {
    const answered = this.posts.request('POST', `${BASE}/${path}`, body, headers).then((res) => {
      // 413 (response too large) is not the runtime's failure: the platform reports it to the caller
      if (res.status !== 202 && res.status !== 413) {
        console.error(`Runtime API: POST ${path} answered ${res.status}: ${res.body}`);
      }
    });
    if (acknowledged || !this.posts.pipelining) return answered;
    // pipelined: `next` may go out now; a lost connection shows up there
    answered.catch(() => {});
    return Promise.resolve();
  }
}
