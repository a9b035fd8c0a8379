/** Shared pieces of the runtime tests: our client's bundle, raw HTTP, fixture paths. */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { FunctionConfig, InvokeResult, LambdaEmulator, LogEntry, nodejsCommand } from '../../src/runtime/emulator';

/** Folder of the handler fixtures of these tests. */
export const FIXTURES = join(__dirname, 'fixtures');

/**
 * Bundles src/runtime/ric/bootstrap.ts as scripts/build-runtime.ts does, into
 * a temporary folder, so the tests run the client's current source.
 */
export function buildClient(): { bootstrap: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ric-test-'));
  const bootstrap = join(dir, 'bootstrap.mjs');
  buildSync({
    entryPoints: [join(__dirname, '..', '..', 'src', 'runtime', 'ric', 'bootstrap.ts')],
    outfile: bootstrap,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'warning',
  });
  return { bootstrap, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A Node.js function of the fixtures, run by our client. */
export function nodeFunction(bootstrap: string, name: string, dir: string, handler: string, extra: Partial<FunctionConfig> = {}): FunctionConfig {
  return {
    name,
    codeDir: join(FIXTURES, dir),
    handler,
    command: nodejsCommand({ bootstrap }),
    runtime: 'nodejs22.x',
    ...extra,
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): any;
}

/** One HTTP request to 127.0.0.1 with node:http, no client library in between. */
export function http(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** True while a process with this pid exists. */
export function processExists(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (at most `limitMs`) until the process is gone; true if it is. */
export async function processGone(pid: number | undefined, limitMs = 5000): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (processExists(pid)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** The parsed JSON payload of an invocation result. */
export const body = (result: InvokeResult): any => JSON.parse(result.payload.toString());

/**
 * Starts an emulator with the functions `make` returns (given our client's
 * bundle) in beforeAll, and closes it, processes included, in afterAll.
 */
export function useEmulator(make: (bootstrap: string) => FunctionConfig[]) {
  const client = buildClient();
  const logs: LogEntry[] = [];
  const fixture = {
    emulator: undefined as unknown as LambdaEmulator,
    bootstrap: client.bootstrap,
    logs,
    invoke: (name: string, event: unknown = {}) => fixture.emulator.invoke(name, JSON.stringify(event)),
  };
  beforeAll(async () => {
    fixture.emulator = await LambdaEmulator.start({ functions: make(client.bootstrap), onLog: (entry) => logs.push(entry) });
  });
  afterAll(async () => {
    await fixture.emulator?.close();
    client.cleanup();
  });
  return fixture;
}
