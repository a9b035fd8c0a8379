/**
 * A streamed function URL response (`AWS::Lambda::Url` with `InvokeMode:
 * RESPONSE_STREAM`) written to the caller as the function streams it. A
 * stream of content type `application/vnd.awslambda.http-integration-response`
 * starts with the HTTP integration prelude (awslambda.HttpResponseStream.from):
 * JSON `{statusCode, headers, cookies}` and 8 NUL bytes, then the body; the
 * prelude becomes the status line and headers (`cookies` as Set-Cookie).
 * Another content type is the body as it is, status 200.
 */
import type { ServerResponse } from 'node:http';
import type { ResponseStreamListener } from '../../emulator';

const PRELUDE_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER = Buffer.alloc(8);
/** A prelude longer than this without its delimiter is not one: the bytes are the body. */
const MAX_PRELUDE_BYTES = 64 * 1024;

/** What the function URL answered, for the log line. */
export interface UrlStreamOutcome {
  readonly statusCode: number;
  /** Why the answer is not the function's (bad prelude, failure mid-stream). */
  readonly problem?: string;
}

export class FunctionUrlStream implements ResponseStreamListener {
  private contentType = 'application/octet-stream';
  /** prelude bytes while its delimiter has not come */
  private prelude: Buffer | undefined;
  private statusCode = 0;
  private problem: string | undefined;

  constructor(private readonly res: ServerResponse, private readonly requestId: string) {}

  /** True once the status line went out. */
  public get started(): boolean {
    return this.statusCode !== 0;
  }

  public start(contentType: string): void {
    this.contentType = contentType;
    if (contentType === PRELUDE_TYPE) this.prelude = Buffer.alloc(0);
  }

  public chunk(data: Buffer): boolean {
    if (this.prelude) {
      const all = Buffer.concat([this.prelude, data]);
      const at = all.indexOf(DELIMITER);
      if (at < 0 && all.length <= MAX_PRELUDE_BYTES) {
        this.prelude = all;
        return true;
      }
      this.prelude = undefined;
      if (at < 0) {
        this.problem = `no 8-NUL delimiter in the first ${MAX_PRELUDE_BYTES} bytes of an HTTP integration response`;
        this.head(200, {});
        return this.res.write(all);
      }
      this.headFromPrelude(all.subarray(0, at));
      const rest = all.subarray(at + DELIMITER.length);
      return rest.length === 0 ? true : this.res.write(rest);
    }
    if (!this.started) this.head(200, { 'content-type': this.contentType });
    return this.res.write(data);
  }

  public whenReady(resume: () => void): void {
    if (this.res.writableNeedDrain) this.res.once('drain', resume);
    else resume();
  }

  /** Ends the answer once the invocation ended: `failed` cuts a started answer short (the caller sees a truncated body). */
  public finish(failed: boolean): UrlStreamOutcome {
    if (failed) {
      this.res.destroy();
      return { statusCode: this.statusCode, problem: 'the function failed mid-stream: the answer was cut short' };
    }
    if (this.prelude) {
      // a prelude and no body: the prelude may still be whole
      const at = this.prelude.indexOf(DELIMITER);
      if (at < 0) {
        this.problem = 'the HTTP integration prelude has no 8-NUL delimiter';
        this.head(200, {});
        this.res.write(this.prelude);
      } else {
        this.headFromPrelude(this.prelude.subarray(0, at));
      }
      this.prelude = undefined;
    }
    if (!this.started) this.head(200, { 'content-type': this.contentType });
    this.res.end();
    return { statusCode: this.statusCode, problem: this.problem };
  }

  private headFromPrelude(json: Buffer): void {
    let prelude: { statusCode?: unknown; headers?: unknown; cookies?: unknown };
    try {
      prelude = JSON.parse(json.toString('utf8'));
    } catch (err) {
      this.problem = `the HTTP integration prelude is not JSON: ${(err as Error).message}`;
      return this.head(500, {});
    }
    const headers: Record<string, string | string[]> = {};
    if (prelude.headers && typeof prelude.headers === 'object') {
      for (const [name, value] of Object.entries(prelude.headers)) headers[name.toLowerCase()] = String(value);
    }
    if (Array.isArray(prelude.cookies) && prelude.cookies.length > 0) headers['set-cookie'] = prelude.cookies.map(String);
    const status = Number(prelude.statusCode ?? 200);
    this.head(Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500, headers);
  }

  private head(statusCode: number, headers: Record<string, string | string[]>): void {
    this.statusCode = statusCode;
    this.res.writeHead(statusCode, { 'content-type': 'application/octet-stream', ...headers, 'x-amzn-requestid': this.requestId });
  }
}
