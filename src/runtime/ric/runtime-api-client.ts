/**
 * The Runtime API (2018-06-01) as seen from the runtime: `next`, `response`,
 * `error` and `init/error`, over a transport (transport.ts) that needs only
 * `fetch`, or `node:http` where the engine has it.
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

const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

export class RuntimeApiClient {
  private readonly base: string;

  /** @param address `AWS_LAMBDA_RUNTIME_API` (`host:port`) */
  constructor(address: string, private readonly transport: Transport) {
    this.base = `http://${address}/2018-06-01/runtime`;
  }

  /** Waits for the next event (no timeout: it may come minutes later). */
  public async next(): Promise<NextInvocation> {
    const res = await this.transport('GET', `${this.base}/invocation/next`);
    if (res.status !== 200) throw new Error(`Runtime API: GET invocation/next answered ${res.status}: ${res.body}`);
    const requestId = res.header('lambda-runtime-aws-request-id');
    if (!requestId) throw new Error('Runtime API: invocation/next gave no Lambda-Runtime-Aws-Request-Id');
    return { body: res.body, requestId, header: res.header };
  }

  /** Posts the handler's result (JSON text). */
  public respond(requestId: string, json: string): Promise<void> {
    return this.post(`invocation/${encodeURIComponent(requestId)}/response`, json, { 'Content-Type': 'application/json' });
  }

  /** Posts the handler's error. */
  public invocationError(requestId: string, error: ErrorDocument): Promise<void> {
    return this.post(`invocation/${encodeURIComponent(requestId)}/error`, JSON.stringify(error), {
      'Content-Type': 'application/json',
      [ERROR_TYPE_HEADER]: error.errorType,
    });
  }

  /** Posts an error that happened before the first `next`. */
  public initError(error: ErrorDocument): Promise<void> {
    return this.post('init/error', JSON.stringify(error), {
      'Content-Type': 'application/json',
      [ERROR_TYPE_HEADER]: error.errorType,
    });
  }

  private async post(path: string, body: string, headers: Record<string, string>): Promise<void> {
    const res = await this.transport('POST', `${this.base}/${path}`, body, headers);
    // 413 (response too large) is not the runtime's failure: the platform reports it to the caller
    if (res.status !== 202 && res.status !== 413) {
      console.error(`Runtime API: POST ${path} answered ${res.status}: ${res.body}`);
    }
  }
}
