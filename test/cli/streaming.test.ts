/**
 * Response streaming through the CLI, over real processes and sockets:
 * `ts-lambda serve` streams a function URL whose `AWS::Lambda::Url` has
 * `InvokeMode: RESPONSE_STREAM` (HTTP integration prelude decoded into the
 * status, headers and cookies), keeps a buffered URL buffered, and
 * `ts-lambda invoke` prints a streamed response as it arrives.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { CLI, CLI_ENV, ROOT, Served, startServe, synthApp } from './helpers';

let assembly: string;
let served: Served;

beforeAll(async () => {
  assembly = synthApp('test/cli/fixtures/streaming-app.ts').dir;
  served = await startServe(['--assembly', assembly, '--port', '0']);
}, 300_000);

afterAll(async () => {
  await served?.stop();
});

interface Timed {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** each piece of the body with the time it arrived */
  readonly pieces: Array<{ text: string; at: number }>;
  readonly complete: boolean;
  text(): string;
}

/** GET `url`, recording when each piece of the body arrives. */
function timedGet(url: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { timeout: 30_000 }, (res) => {
      const pieces: Array<{ text: string; at: number }> = [];
      const done = (complete: boolean) => resolve({
        status: res.statusCode ?? 0, headers: res.headers, pieces, complete, text: () => pieces.map((p) => p.text).join(''),
      });
      res.on('data', (c: Buffer) => pieces.push({ text: c.toString(), at: Date.now() }));
      res.on('end', () => done(res.complete));
      res.on('aborted', () => done(false));
      res.on('error', () => done(false));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** The `name@<ms>` stamps in a body. */
const stamps = (text: string) => [...text.matchAll(/(\w+)@(\d+)/g)].map((m) => ({ name: m[1], at: Number(m[2]) }));

describe('serve: RESPONSE_STREAM function URLs', () => {
  test('the prelude becomes status, headers and cookies; the body arrives as it is written', async () => {
    const r = await timedGet(`${served.url}/lambda-url/Streamer/some/path`);
    expect(r.status).toBe(207);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['x-streamed']).toBe('yes');
    expect(r.headers['set-cookie']).toEqual(['session=abc; Path=/', 'theme=dark']);
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.headers['content-length']).toBeUndefined();
    const written = stamps(r.text());
    expect(written.map((w) => w.name)).toEqual(['one', 'two', 'three']);
    expect(r.text()).toContain(' /some/path\n');
    // "one" reached the caller before "three" was written
    const first = r.pieces.find((p) => p.text.includes('one@'))!;
    expect(first.at).toBeLessThan(written[2].at);
    await eventually(() => /GET \/lambda-url\/Streamer\/some\/path → 207/.test(served.stderr()));
    expect(served.stderr()).toMatch(/GET \/lambda-url\/Streamer\/some\/path → 207 \(function URL Streamer \(RESPONSE_STREAM\)/);
  });

  test('without a prelude: status 200 and the stream\'s content type', async () => {
    const r = await timedGet(`${served.url}/lambda-url/RawStreamer/`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/x-lines');
    expect(stamps(r.text()).map((w) => w.name)).toEqual(['one', 'two', 'three']);
    expect(r.complete).toBe(true);
  });

  test('a failure mid-stream cuts the answer short after what was sent', async () => {
    const r = await timedGet(`${served.url}/lambda-url/RawStreamer/?fail=1`);
    expect(r.status).toBe(200);
    expect(stamps(r.text()).map((w) => w.name)).toEqual(['one', 'two', 'three']);
    expect(r.complete).toBe(false);
    // serve logs the request once it has cut the answer: wait for the line
    await eventually(() => /the function failed mid-stream.*stream broke/.test(served.stderr()));
    expect(served.stderr()).toMatch(/the function failed mid-stream.*stream broke/);
  });

  test('a BUFFERED function URL stays buffered', async () => {
    const r = await timedGet(`${served.url}/lambda-url/Buffered/`);
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.text())));
    expect(JSON.parse(r.text())).toEqual({ hello: 'world' });
  });
});

describe('invoke: a streamed response is printed as it arrives', () => {
  test('stdout gets each line before the function wrote the next', async () => {
    const pieces: Array<{ text: string; at: number }> = [];
    const child = spawn(process.execPath, [CLI, 'invoke', 'RawStreamer', '--assembly', assembly], { cwd: ROOT, env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.on('data', (c: Buffer) => pieces.push({ text: c.toString(), at: Date.now() }));
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const text = pieces.map((p) => p.text).join('');
    const written = stamps(text);
    expect(written.map((w) => w.name)).toEqual(['one', 'two', 'three']);
    expect(text).toBe(written.map((w) => `${w.name}@${w.at}\n`).join(''));
    expect(pieces.find((p) => p.text.includes('one@'))!.at).toBeLessThan(written[2].at);
    expect(err).toMatch(/RawStreamer returned in/);
  }, 60_000);
});

/** Waits (at most 2 s) until `ok()` holds: output of another process may come just after the answer. */
async function eventually(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}
