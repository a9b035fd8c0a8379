/**
 * A small GET-JSON client for the JWKS and discovery documents: node:http(s)
 * (no fetch/undici, which would add to the cold start), an overall timeout, a
 * User-Agent, a size limit, and errors that carry a short code.
 */
import { get as httpGet, IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';

/** The User-Agent of every request the authorizer makes. */
export const USER_AGENT = 'cdk-ts-lambda-oidc-authorizer/1 (+https://github.com/cdk-ts-lambda/cdk-ts-lambda)';

/** Largest document accepted. */
const MAX_BYTES = 512 * 1024;

/** A failed fetch, with a short code for the logs. */
export class FetchError extends Error {
  constructor(public readonly code: 'timeout' | 'network' | 'status' | 'too_large' | 'json', detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'FetchError';
  }
}

/** Fetches and parses a JSON document. Rejects with a FetchError. */
export function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: FetchError | undefined, value?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else {
        resolve(value);
      }
    };
    const onResponse = (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(new FetchError('status', `HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) finish(new FetchError('too_large', `more than ${MAX_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', (e) => finish(new FetchError('network', e.message)));
      res.on('end', () => {
        try {
          finish(undefined, JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          finish(new FetchError('json', 'response is not JSON'));
        }
      });
    };
    const options = { headers: { 'user-agent': USER_AGENT, 'accept': 'application/json' } };
    const req = url.startsWith('https:') ? httpsGet(url, options, onResponse) : httpGet(url, options, onResponse);
    req.on('error', (e) => finish(new FetchError('network', e.message)));
    const timer = setTimeout(() => finish(new FetchError('timeout', `no complete answer within ${timeoutMs} ms`)), timeoutMs);
  });
}
