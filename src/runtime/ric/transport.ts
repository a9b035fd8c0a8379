/**
 * How the client sends its HTTP requests to the Runtime API. Two ways, one
 * contract: `node:http` with a keep-alive agent where the engine has it
 * (Node.js, Bun; about three times faster than Node.js's fetch per
 * request), else the standard `fetch`. `TS_LAMBDA_RIC_TRANSPORT=fetch`
 * forces fetch.
 */

/** An answer of the Runtime API. */
export interface TransportResponse {
  readonly status: number;
  readonly body: string;
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
}

export type Transport = (method: 'GET' | 'POST', url: string, body?: string, headers?: Record<string, string>) => Promise<TransportResponse>;

/** The standard way: `fetch`. */
export const fetchTransport: Transport = async (method, url, body, headers) => {
  const res = await fetch(url, { method, body, headers });
  const text = await res.text();
  return { status: res.status, body: text, header: (name) => res.headers.get(name) ?? undefined };
};

/** `node:http` with one kept-alive connection; its idle socket does not hold the event loop. */
export async function nodeHttpTransport(): Promise<Transport> {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return (method, url, body, headers = {}) => new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => chunks.push(chunk));
      res.on('end', () => {
        const responseHeaders = res.headers;
        resolve({
          status: res.statusCode ?? 0,
          body: chunks.length === 1 ? chunks[0] : chunks.join(''),
          header: (name) => {
            const value = responseHeaders[name];
            return Array.isArray(value) ? value[0] : value;
          },
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** node:http when the engine has it and fetch is not forced, else fetch. */
export async function selectTransport(): Promise<Transport> {
  if (process.env.TS_LAMBDA_RIC_TRANSPORT === 'fetch') return fetchTransport;
  try {
    return await nodeHttpTransport();
  } catch {
    return fetchTransport;
  }
}
