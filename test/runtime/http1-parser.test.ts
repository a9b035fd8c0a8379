/** The socket transport's HTTP/1.1 response parser, on the framings a Runtime API may send. */
import { Http1ResponseParser } from '../../src/runtime/ric/http1-parser';
import { utf8Header } from '../../src/runtime/ric/transport';

const bytes = (text: string) => Buffer.from(text, 'utf8');

test('Content-Length body with multi-byte UTF-8, split anywhere', () => {
  const body = '{"name":"Zoë ✓"}';
  const wire = bytes(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: abc\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  for (let cut = 1; cut < wire.length; cut++) {
    const parser = new Http1ResponseParser();
    const first = parser.push(wire.subarray(0, cut));
    const second = parser.push(wire.subarray(cut));
    const all = [...first, ...second];
    expect(all).toHaveLength(1);
    expect(all[0].status).toBe(200);
    expect(all[0].headers['lambda-runtime-aws-request-id']).toBe('abc');
    expect(all[0].body.toString('utf8')).toBe(body);
    expect(parser.partial).toBe(false);
  }
});

test('pipelined responses in one read come out in order', () => {
  const parser = new Http1ResponseParser();
  const out = parser.push(bytes(
    'HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{"status":"OK"}'
    + 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nLambda-Runtime-Aws-Request-Id: next-1\r\n\r\n{}'
    + 'HTTP/1.1 204 No Content\r\n\r\n',
  ));
  expect(out.map((r) => [r.status, r.body.toString()])).toEqual([[202, '{"status":"OK"}'], [200, '{}'], [204, '']]);
  expect(out[1].headers['lambda-runtime-aws-request-id']).toBe('next-1');
});

test('chunked body, with extensions and trailers, fed byte by byte', () => {
  const wire = bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{"a"\r\n6\r\n:"ü"}\r\n0\r\nX-Trailer: t\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
  const parser = new Http1ResponseParser();
  const out = [];
  for (let i = 0; i < wire.length; i++) out.push(...parser.push(wire.subarray(i, i + 1)));
  expect(out.map((r) => [r.status, r.body.toString('utf8')])).toEqual([[200, '{"a":"ü"}'], [202, '']]);
});

test('a chunked body without trailers', () => {
  const out = new Http1ResponseParser().push(bytes('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'));
  expect(out.map((r) => r.body.toString())).toEqual(['ok']);
});

test('garbage is an error, not a hang', () => {
  expect(() => new Http1ResponseParser().push(bytes('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP\/1.1 response/);
  for (const line of ['HTTP/1.2 200 OK', 'HTTP/1.1 2x0 OK', 'HTTP/1.1 000 Zero', 'HTTP/1.1  200 OK', 'HTTP/1.1 20']) {
    expect(() => new Http1ResponseParser().push(bytes(`${line}\r\nContent-Length: 0\r\n\r\n`))).toThrow(/not an HTTP\/1.1 response/);
  }
  const [ok] = new Http1ResponseParser().push(bytes('HTTP/1.0 202\r\nX-A:  spaced  \r\nNoColon\r\nContent-Length: 0\r\n\r\n'));
  expect(ok.status).toBe(202);
  expect(ok.headers).toEqual({ 'x-a': 'spaced', 'content-length': '0' });
});

test('header values are read as UTF-8, split anywhere (a client context may hold any text)', () => {
  const context = '{"client":{"app_title":"Café 東京 🚀"}}';
  const wire = bytes(`HTTP/1.1 200 OK\r\nLambda-Runtime-Client-Context: ${context}\r\nContent-Length: 2\r\n\r\n{}`);
  for (let cut = 1; cut < wire.length; cut++) {
    const parser = new Http1ResponseParser();
    const all = [...parser.push(wire.subarray(0, cut)), ...parser.push(wire.subarray(cut))];
    expect(all).toHaveLength(1);
    expect(all[0].headers['lambda-runtime-client-context']).toBe(context);
    expect(all[0].body.toString()).toBe('{}');
  }
});

describe('the fetch transport\'s header values (fetch gives one character a byte)', () => {
  const byteString = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  test.each([
    ['absent', null, undefined],
    ['ASCII, as it is', 'abc-123', 'abc-123'],
    ['UTF-8 bytes, decoded', byteString('Café 東京 🚀'), 'Café 東京 🚀'],
    ['text that looks like mojibake, decoded exactly once', byteString('Ã©'), 'Ã©'],
    ['bytes that are not UTF-8, as they came', '\u00e9t\u00e9', '\u00e9t\u00e9'],
    ['already decoded text (a character above U+00FF), as it is', 'Café 東京', 'Café 東京'],
  ])('%s', (_name, value, expected) => {
    expect(utf8Header(value)).toBe(expected);
  });
});
