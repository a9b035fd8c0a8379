/**
 * `ts-lambda invoke --inspect` / `--inspect-brk` with a real Chrome DevTools
 * Protocol client (the `ws` package as transport): the function's process
 * waits for it, a breakpoint set by `.ts` file and line (mapped through the
 * source map the run serves, as DevTools and VS Code do) binds and is hit, a
 * local variable is read, the pause outlasts the function's timeout without
 * timing it out, and after resuming the invoke prints the result.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { CLI, CLI_ENV, ROOT, synthApp } from './helpers';
import { decodeSegment } from '../../src/function/private/sourcemap';

const HANDLER = join(__dirname, 'fixtures', 'inspect', 'handler.ts');
/** 1-based line of `return { total };` in the handler */
const RETURN_LINE = readFileSync(HANDLER, 'utf8').split('\n').findIndex((l) => l.includes('return { total }')) + 1;

let assembly: string;
beforeAll(() => {
  assembly = synthApp('test/cli/fixtures/inspect/app.ts').dir;
}, 180_000);

/** A minimal DevTools front end: numbered commands, events by name. */
class Cdp {
  static open(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new Cdp(ws)));
      ws.once('error', reject);
    });
  }

  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly listeners: Array<(method: string, params: any) => void> = [];

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.id !== undefined) {
        const w = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if (msg.error) w?.reject(new Error(`${msg.error.message}`));
        else w?.resolve(msg.result);
      } else {
        for (const l of this.listeners) l(msg.method, msg.params);
      }
    });
    // the process went away (e.g. killed at a timeout): commands in flight fail instead of hanging
    ws.on('close', () => {
      for (const w of this.waiting.values()) w.reject(new Error('the inspector connection closed'));
      this.waiting.clear();
    });
  }

  send(method: string, params: object = {}): Promise<any> {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  event(method: string, timeoutMs = 30_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} in ${timeoutMs} ms`)), timeoutMs);
      const l = (m: string, params: any) => {
        if (m !== method) return;
        this.listeners.splice(this.listeners.indexOf(l), 1);
        clearTimeout(timer);
        resolve(params);
      };
      this.listeners.push(l);
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** The generated position (0-based line and column) of the first mapping of `source` at `line` (1-based), as a debugger front end maps it. */
function generatedPosition(map: { sources: string[]; mappings: string }, sourceUrl: string, line: number) {
  const index = map.sources.indexOf(sourceUrl);
  expect(index).toBeGreaterThanOrEqual(0);
  let source = 0;
  let origLine = 0;
  let origCol = 0;
  let name = 0;
  const lines = map.mappings.split(';');
  for (let genLine = 0; genLine < lines.length; genLine++) {
    let genCol = 0;
    for (const segment of lines[genLine].split(',').filter(Boolean)) {
      const v = decodeSegment(segment);
      genCol += v[0];
      if (v.length < 4) continue;
      source += v[1];
      origLine += v[2];
      origCol += v[3];
      if (v.length > 4) name += v[4];
      if (source === index && origLine === line - 1) return { lineNumber: genLine, columnNumber: genCol };
    }
  }
  throw new Error(`no mapping for ${sourceUrl}:${line}`);
}

interface Invoked {
  readonly child: ChildProcess;
  readonly wsUrl: Promise<string>;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stderr(): string;
}

function invoke(args: string[], event: string): Invoked {
  const child = spawn(process.execPath, [CLI, 'invoke', ...args, '--assembly', assembly, '-'], { cwd: ROOT, env: CLI_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let found: (url: string) => void;
  const wsUrl = new Promise<string>((resolve) => (found = resolve));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    const m = /Debugger listening on (ws:\/\/\S+)/.exec(stderr);
    if (m) found(m[1]);
  });
  child.stdin!.end(event);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, wsUrl, done, stderr: () => stderr };
}

/** Reads `name` from the innermost local scope of the paused call frame. */
async function localVariable(cdp: Cdp, paused: any, name: string): Promise<unknown> {
  const local = paused.callFrames[0].scopeChain.find((s: any) => s.type === 'local');
  expect(local).toBeDefined();
  const { result } = await cdp.send('Runtime.getProperties', { objectId: local.object.objectId, ownProperties: true });
  return result.find((p: any) => p.name === name)?.value?.value;
}

/** Sets a breakpoint on the handler's `return` line through the task root's source map; returns the breakpoint and its generated position. */
async function breakOnReturn(cdp: Cdp): Promise<any> {
  // where the run put the code (LAMBDA_TASK_ROOT), asked of the waiting process itself
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'process.env.LAMBDA_TASK_ROOT' });
  const taskRoot = result.value as string;
  const map = JSON.parse(readFileSync(join(taskRoot, 'index.mjs.map'), 'utf8'));
  const handlerUrl = pathToFileURL(HANDLER).href;
  // the map served to the debugger names the project's .ts file and carries its text
  expect(map.sources).toContain(handlerUrl);
  expect(map.sourcesContent[map.sources.indexOf(handlerUrl)]).toBe(readFileSync(HANDLER, 'utf8'));
  const position = generatedPosition(map, handlerUrl, RETURN_LINE);
  const set = await cdp.send('Debugger.setBreakpointByUrl', { url: pathToFileURL(join(taskRoot, 'index.mjs')).href, ...position });
  return { ...set, position };
}

/** Resumes the paused process; the invoke prints `expected` and exits 0. */
async function resumeToResult(cdp: Cdp, run: Invoked, expected: unknown) {
  await cdp.send('Debugger.resume');
  const result = await run.done;
  cdp.close();
  expect(JSON.parse(result.stdout)).toEqual(expected);
  expect(result.code).toBe(0);
  return result;
}

describe('invoke --inspect', () => {
  test('waits for a debugger; a breakpoint on a .ts line binds and is hit; a local variable is read; a pause longer than the timeout does not time out', async () => {
    const run = invoke(['Mapped', '--inspect=0'], '{"a": 2, "b": 3}');
    try {
      const cdp = await Cdp.open(await run.wsUrl);
      // nothing ran: the process waits for this client
      await new Promise((r) => setTimeout(r, 500));
      expect(run.stderr()).not.toMatch(/END RequestId/);
      expect(run.stderr()).toMatch(/Inspected\/Mapped: source map with the project's sources ready for the debugger/);
      await cdp.send('Debugger.enable');
      const breakpoint = await breakOnReturn(cdp);
      const paused = cdp.event('Debugger.paused');
      await cdp.send('Runtime.runIfWaitingForDebugger');
      const at = await paused;
      expect(at.hitBreakpoints).toEqual([breakpoint.breakpointId]);
      // the paused frame is at the generated line of the .ts line
      expect(at.callFrames[0].location.lineNumber).toBe(breakpoint.position.lineNumber);
      expect(await localVariable(cdp, at, 'total')).toBe(5);
      // the function's timeout is 1 s: held at the breakpoint for 2.5 s, it still does not time out
      await new Promise((r) => setTimeout(r, 2500));
      const result = await resumeToResult(cdp, run, { total: 5 });
      expect(result.stderr).not.toMatch(/Task timed out/);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);

  test('--inspect-brk stops before the runtime client runs; a breakpoint set then is hit', async () => {
    const run = invoke(['Mapped', '--inspect-brk=0'], '{"a": 40, "b": 2}');
    try {
      const cdp = await Cdp.open(await run.wsUrl);
      await cdp.send('Debugger.enable');
      const first = cdp.event('Debugger.paused');
      await cdp.send('Runtime.runIfWaitingForDebugger');
      await first;
      // stopped before the runtime client took the event
      expect(run.stderr()).not.toMatch(/END RequestId/);
      const breakpoint = await breakOnReturn(cdp);
      const hit = cdp.event('Debugger.paused');
      await cdp.send('Debugger.resume');
      const at = await hit;
      expect(at.hitBreakpoints).toEqual([breakpoint.breakpointId]);
      expect(await localVariable(cdp, at, 'total')).toBe(42);
      await resumeToResult(cdp, run, { total: 42 });
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);

  test('a function without a source map: the run says how to get breakpoints on .ts lines', async () => {
    const run = invoke(['Unmapped', '--inspect=0'], '{"a": 1, "b": 1}');
    try {
      const cdp = await Cdp.open(await run.wsUrl);
      expect(run.stderr()).toMatch(/Inspected\/Unmapped: its asset has no source map, so a debugger sees only the bundle's JavaScript .*set `bundling: \{ sourceMap: true \}`/);
      await cdp.send('Runtime.runIfWaitingForDebugger');
      const result = await run.done;
      cdp.close();
      expect(JSON.parse(result.stdout)).toEqual({ total: 2 });
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);

  test('bad values get clear errors', async () => {
    const run = invoke(['Mapped', '--inspect=99999'], '{}');
    const result = await run.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--inspect=99999: give a port number from 0 to 65535/);
  });
});
