/**
 * The Runtime API's HTTP/1.1 server (src/runtime/emulator/http1-server.ts):
 * the request parser fed in every possible split, and the server over raw
 * sockets (pipelining, 100-continue, malformed requests).
 */
import { connect } from 'node:net';
import { Http1ParseError, Http1Request, Http1RequestParser, Http1Server, MAX_HEAD_BYTES } from '../../src/runtime/emulator/http1-server';

interface Parsed {
  readonly method: string;
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly overflow: boolean;
  readonly size: number;
}

/** Parses `input` fed in the given pieces; returns the complete requests. */
function parse(pieces: Buffer[], limit = 1024 * 1024): Parsed[] {
  const out: Parsed[] = [];
  const parser = new Http1RequestParser({
    onHead: () => undefined,
    onComplete: (req: Http1Request) => out.push({
      method: req.method, target: req.target, headers: req.headers, body: req.body.toString('latin1'), overflow: req.overflow, size: req.size,
    }),
  }, limit);
  for (const piece of pieces) parser.push(piece);
  return out;
}

/** Every way of cutting `text` in two, and byte by byte. */
function splits(text: string): Buffer[][] {
  const bytes = Buffer.from(text, 'latin1');
  const ways: Buffer[][] = [[bytes]];
  for (let i = 1; i < bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
  ways.push([...bytes].map((b) => Buffer.from([b])));
  return ways;
}

const PIPELINED = 'POST /2018-06-01/runtime/invocation/a%2Fb/response?x=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
  + 'POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n'
  + 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: h\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n';

describe('Http1RequestParser', () => {
  test('pipelined requests (Content-Length, chunked with extensions and trailers, no body), split at every byte', () => {
    for (const pieces of splits(PIPELINED)) {
      const requests = parse(pieces);
      expect(requests).toHaveLength(3);
      expect(requests[0]).toMatchObject({ method: 'POST', target: '/2018-06-01/runtime/invocation/a%2Fb/response?x=1', body: '{"ok":true}' });
      expect(requests[0].headers['content-type']).toBe('application/json');
      expect(requests[1]).toMatchObject({ method: 'POST', target: '/up', body: 'hello, world', size: 12 });
      expect(requests[2]).toMatchObject({ method: 'GET', body: '' });
      expect(requests[2].headers['x-dup']).toBe('1, 2');
    }
  });

  test('bare LF line ends and empty lines before a request are accepted', () => {
    const requests = parse([Buffer.from('\r\nGET /a HTTP/1.1\nHost: h\n\nPOST /b HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi')]);
    expect(requests.map((r) => [r.method, r.target, r.body])).toEqual([['GET', '/a', ''], ['POST', '/b', 'hi']]);
  });

  test('a body over the limit is counted and cut, the next request still parses', () => {
    for (const pieces of splits('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789GET / HTTP/1.1\r\n\r\n')) {
      const requests = parse(pieces, 4);
      expect(requests[0]).toMatchObject({ body: '0123', size: 10, overflow: true });
      expect(requests[1]).toMatchObject({ method: 'GET', overflow: false });
    }
  });

  test('a streamed body: onData gets the bytes as they come (past the limit), trailers are kept, at any split', () => {
    const text = 'POST /s HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n'
      + 'Lambda-Runtime-Function-Error-Type: Runtime.X\r\nX-B:  b \r\n\r\nGET /n HTTP/1.1\r\n\r\n';
    for (const pieces of splits(text)) {
      let streamed = '';
      const done: Http1Request[] = [];
      const parser = new Http1RequestParser({
        onHead: (req) => {
          if (req.path === '/s') req.onData = (chunk) => { streamed += chunk.toString('latin1'); };
        },
        onComplete: (req) => done.push(req),
      }, 2);
      for (const piece of pieces) parser.push(piece);
      expect(streamed).toBe('abcde');
      expect(done.map((r) => r.path)).toEqual(['/s', '/n']);
      expect(done[0]).toMatchObject({ size: 5, overflow: false });
      expect(done[0].body.length).toBe(0);
      expect(done[0].trailers).toEqual({ 'lambda-runtime-function-error-type': 'Runtime.X', 'x-b': 'b' });
    }
  });

  const malformed: Array<[string, string, number]> = [
    ['no version', 'GET /\r\n\r\n', 400],
    ['unknown version', 'GET / HTTP/2.0\r\n\r\n', 400],
    ['empty method', ' / HTTP/1.1\r\n\r\n', 400],
    ['bad method characters', 'G(T / HTTP/1.1\r\n\r\n', 400],
    ['space in target', 'GET /a b HTTP/1.1\r\n\r\n', 400],
    ['header without colon', 'GET / HTTP/1.1\r\nHost h\r\n\r\n', 400],
    ['space before colon', 'GET / HTTP/1.1\r\nHost : h\r\n\r\n', 400],
    ['obsolete line folding', 'GET / HTTP/1.1\r\nX-A: 1\r\n  2\r\n\r\n', 400],
    ['control character in a value', 'GET / HTTP/1.1\r\nX-A: a\x01b\r\n\r\n', 400],
    ['bad Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n', 400],
    ['negative Content-Length', 'POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 400],
    ['differing Content-Lengths', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 400],
    ['Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['Transfer-Encoding not ending in chunked', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
    ['Transfer-Encoding gzip, chunked', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 501],
    ['bad chunk size', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['no CRLF after chunk data', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n', 400],
    ['trailer line without colon', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon\r\n\r\n', 400],
    ['unknown expectation', 'POST / HTTP/1.1\r\nExpect: magic\r\nContent-Length: 1\r\n\r\n', 417],
  ];
  test.each(malformed)('malformed: %s %j → %d, at any split', (_name, text, status) => {
    for (const pieces of splits(text)) {
      let error: unknown;
      try {
        parse(pieces);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(Http1ParseError);
      expect((error as Http1ParseError).status).toBe(status);
    }
  });

  test('a head over 16 KB: 431, whether or not its end came', () => {
    const big = `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n`;
    for (const text of [big, `${big}\r\n`]) {
      expect(() => parse([Buffer.from(text)])).toThrow(expect.objectContaining({ status: 431 }));
    }
    // just under the limit is fine
    expect(parse([Buffer.from(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES - 100)}\r\n\r\n`)])).toHaveLength(1);
  });
});

/** Sends `text` on a new connection and collects what comes back until the server closes or `until` matches. */
function exchange(port: number, writes: string[], until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', async () => {
      for (const w of writes) {
        socket.write(w);
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1');
      if (until?.test(got)) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('Http1Server', () => {
  let server: Http1Server;
  let port: number;
  const later: Array<() => void> = [];
  beforeAll(async () => {
    server = new Http1Server((req, res) => {
      if (req.path === '/stream') {
        // a streamed answer: one chunk now, the rest when the test says so
        const writer = res.stream(200, 'Content-Type: text/plain\r\n');
        writer.write(Buffer.from('first'));
        later.push(() => {
          writer.write(Buffer.from('second'));
          writer.end('X-Done: yes\r\n');
        });
        return;
      }
      req.whenComplete(() => {
        const answer = () => res.send(200, 'Content-Type: text/plain\r\n', `${req.method} ${req.target} ${req.body.toString()}`);
        // /slow answers only when the test says so (as `next` waits for an event)
        if (req.path === '/slow') later.push(answer);
        else answer();
      }, () => undefined);
    }, 1024);
    port = await server.listen(0, '127.0.0.1');
  });
  afterAll(() => server.close());

  test('pipelined requests are answered in order, even when an earlier answer comes later', async () => {
    const done = exchange(port, ['GET /slow HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 1\r\n\r\nx'], /POST \/b x$/);
    while (later.length === 0) await new Promise((r) => setTimeout(r, 5));
    later.shift()!();
    const text = await done;
    expect(text.indexOf('GET /slow')).toBeLessThan(text.indexOf('POST /b x'));
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain\r\nContent-Length: 10\r\n\r\nGET \/slow /);
  });

  test('a streamed answer: chunks leave as written, trailers at the end, then the pipelined answer after it', async () => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /stream HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n'));
    socket.on('data', (chunk) => { got += chunk.toString('latin1'); });
    // the first chunk arrives while the rest is not written yet
    while (!got.includes('first')) await new Promise((r) => setTimeout(r, 5));
    expect(got).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n');
    later.shift()!();
    while (!got.includes('GET /after')) await new Promise((r) => setTimeout(r, 5));
    socket.destroy();
    expect(got).toMatch(/\r\n5\r\nfirst\r\n6\r\nsecond\r\n0\r\nX-Done: yes\r\n\r\nHTTP\/1\.1 200 OK\r\n[^]*GET \/after $/);
  });

  test('a streamed answer to an HTTP/1.0 client: no chunked encoding, the body ends with the connection', async () => {
    const done = exchange(port, ['GET /stream HTTP/1.0\r\n\r\n']);
    while (later.length === 0) await new Promise((r) => setTimeout(r, 5));
    later.shift()!();
    expect(await done).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nfirstsecond');
  });

  test('Expect: 100-continue gets 100 Continue before the body is sent', async () => {
    const text = await exchange(port, ['POST /c HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n', 'ok'], /POST \/c ok$/);
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  test('HTTP/1.0 without keep-alive, and Connection: close, are answered then closed', async () => {
    expect(await exchange(port, ['GET /x HTTP/1.0\r\n\r\n'])).toMatch(/Connection: close\r\n\r\nGET \/x $/);
    expect(await exchange(port, ['GET /y HTTP/1.1\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\n\r\n'])).not.toMatch(/never/);
  });

  test('a malformed request: earlier answers, then 400 JSON, then the connection closes', async () => {
    const text = await exchange(port, ['GET /ok HTTP/1.1\r\n\r\nGET /bad request HTTP/1.1\r\n\r\n']);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*GET \/ok HTTP\/1\.1 400 Bad Request\r\nContent-Type: application\/json\r\n/);
    expect(text).toMatch(/Connection: close\r\n\r\n\{"errorMessage":"bad request target/);
  });

  test('oversized headers: 431', async () => {
    const text = await exchange(port, [`GET / HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEAD_BYTES + 10)}\r\n\r\n`]);
    expect(text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  test('a client that half-closes after its request still gets the answer', async () => {
    const text = await new Promise<string>((resolve) => {
      let got = '';
      const socket = connect(port, '127.0.0.1', () => socket.end('GET /half HTTP/1.1\r\n\r\n'));
      socket.on('data', (chunk) => { got += chunk; });
      socket.on('close', () => resolve(got));
    });
    expect(text).toMatch(/GET \/half $/);
  });
});
