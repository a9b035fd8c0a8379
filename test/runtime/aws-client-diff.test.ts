/**
 * Differential test of the handler contract: the same handlers, run through
 * the emulator by our runtime interface client and by AWS's own client for
 * the runtime (aws-lambda-ric 3.3.0 for nodejs20.x and nodejs22.x, 4.0.2 for nodejs24.x
 * and for nodejs22.x on Lambda Managed Instances, a fourth column: see MANAGED_INSTANCES),
 * built into the cache by scripts/prefetch-aws-ric.sh: they compile native
 * code, so they are not devDependencies), must end the same
 * way: result or error document, the emulator's error type, what the client
 * logged (labels, levels, error records) and whether and how the process
 * ended; and at the same time, relative to the handler's own timers (see
 * TIMING_ATTEMPTS). The handlers are AWS's client's own test handlers
 * (fixtures/aws-ric, Apache-2.0: those of its 3.x line with the handler
 * strings of its test/unit/UserFunctionTest.js, and the test files of its
 * 4.x integration tests with the handler strings those tests load) and
 * ours (fixtures/contract), one clause of the contract each.
 *
 * A case where ours may not agree is listed in KNOWN_DIFFERENCES with the
 * reason (and the README); the test fails if such a case starts to agree.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, buildClient } from './helpers';
import { FunctionConfig, InvokeResult, LambdaEmulator, LogEntry, nodejsCommand } from '../../src/runtime/emulator';
import { needs, prefetchedAwsRic, testNeeding } from '../helpers/external-tool';

type Runtime = 'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x';
/**
 * A column of the comparison: a managed runtime, or nodejs22.x for a function
 * on a capacity provider (Lambda Managed Instances), where Lambda runs AWS's
 * client 4.x (aws-lambda-ric 4.0.2 `dist/function/callback-deprecation.js`
 * has the message of that case, CALLBACK_ERROR_NODEJS22).
 */
type Column = Runtime | 'nodejs22.x MI';
type Client = 'ours' | 'aws';
const RUNTIMES_ALL: Runtime[] = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'];
const MI = 'nodejs22.x MI';
const COLUMNS: Column[] = [...RUNTIMES_ALL, MI];
/** The managed runtime of a column. */
const runtimeOf = (column: Column): Runtime => (column === MI ? 'nodejs22.x' : column);
/**
 * What a column on Managed Instances adds to each function, for both
 * clients: `AWS_LAMBDA_MAX_CONCURRENCY` (the emulator's per-environment
 * concurrency; invocations still go one at a time per function) and one
 * worker thread (AWS_LAMBDA_NODEJS_WORKER_COUNT, which both clients read:
 * AWS's would otherwise start 8 per CPU, each loading the handler, and the
 * number of workers is concurrency.test.ts's subject, not this test's).
 */
const MANAGED_INSTANCES: Partial<FunctionConfig> = { perEnvironmentConcurrency: 2, environment: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' } };

/** One handler: its task root (under fixtures/) and `_HANDLER`. */
interface Case {
  readonly dir: string;
  readonly handler: string;
  readonly logFormat?: 'JSON';
}

const AWS = 'aws-ric/handlers';
/** AWS's handlers, with the handler strings of its test/unit/UserFunctionTest.js and each export of its other test handlers. */
const AWS_CASES: Case[] = [
  ...['workingDirectory', 'echo', 'ping', 'env', 'clientContext', 'cognitoIdentity', 'nodePathContainsMajorVersion', 'noFunctionHandler']
    .map((name) => ({ dir: AWS, handler: `core.${name}` })),
  { dir: AWS, handler: 'nestedHandler.nested.somethingComplex.handler' },
  { dir: AWS, handler: 'nestedHandler.nested.somethingComplex.nonHandler' },
  { dir: AWS, handler: 'malformed..handler' },
  { dir: AWS, handler: 'malformedHandler' },
  { dir: AWS, handler: 'noModule.echo' },
  { dir: AWS, handler: 'esModule.echo' },
  { dir: AWS, handler: 'cjsModule.echo' },
  { dir: AWS, handler: 'precedence.handler' },
  { dir: AWS, handler: 'precedenceJsVsMjs.handler' },
  { dir: AWS, handler: 'precedenceMjsVsCjs.handler' },
  { dir: AWS, handler: 'asyncInit.handler' },
  { dir: AWS, handler: 'asyncInitRejection.handler' },
  { dir: `${AWS}/async_init_package`, handler: 'index.handler' },
  { dir: `${AWS}/async_init_package`, handler: 'cjsModuleInEsmPackage.echo' },
  { dir: `${AWS}/async_init_package/nested`, handler: 'index.handler' },
  { dir: `${AWS}/async_init_package/nested`, handler: 'even/more/index.handler' },
  { dir: `${AWS}/async_init_package/nested/even/more`, handler: 'index.handler' },
  { dir: `${AWS}/async_init_type_not_module`, handler: 'index.ret42' },
  { dir: `${AWS}/async_init_with_node_modules`, handler: 'index.ret42' },
  { dir: AWS, handler: 'defaultHandler.default' },
  { dir: AWS, handler: 'defaultHandlerESM.default' },
  { dir: AWS, handler: 'esModuleImports.echo' },
  { dir: `${AWS}/extensionless`, handler: 'index.handler' },
  { dir: `${AWS}/extensionless`, handler: 'esm-extensionless.handler' },
  ...['cjs', 'esm', 'cjsModule', 'esmModule'].flatMap((module) => ['type-cjs', 'type-esm']
    .map((pkg) => ({ dir: `${AWS}/pkg/${pkg}`, handler: `${module}.handler` }))),
  ...['esmModule', 'cjsInMjs', 'esmInCjs', 'cjsAndMjs', 'esmImportCjs', 'cjsImportESM', 'cjsImportCjs', 'esmRequireCjs']
    .map((module) => ({ dir: `${AWS}/pkg-less`, handler: `${module}.handler` })),
  ...['callbackWithTrueFlag', 'callbackWithFalseFlag', 'asyncFunction'].map((name) => ({ dir: AWS, handler: `beforeExitBehaviour.${name}` })),
  { dir: AWS, handler: 'isAsync.handlerAsync' },
  { dir: AWS, handler: 'isAsync.handlerNotAsync' },
  { dir: AWS, handler: 'isAsyncCallback.handler' },
];

const RIC4 = 'loader4';
const LOADER = `${RIC4}/module-loader`;
/**
 * The cases of AWS's 4.x integration tests (fixtures/loader4: our own small
 * modules, one per case, under the folder and file names of AWS's
 * integration-tests/test-files), with the handler strings and task roots
 * its integration-tests/tests/function/*.test.ts load them with: module-loader.test.ts's loadModule options become `moduleRoot/moduleName`
 * plus an export (the one each test calls), user-function-loader.test.ts's and
 * callback-deprecation.test.ts's handler strings are used as they are, and
 * dynamic-imports.test.ts's .cjs and ES-module-in-.js cases are loaded as Lambda would.
 */
const LOADER_HANDLERS = [
  // module-loader.test.ts
  'echo.echo', 'deeply/nested/dir/index.handler', 'some_random_dir/this_does_not_exist.handler', 'python.hello', 'error.handler',
  'precedence-extensionless/cjs-module.greet', 'precedence-js/hello.handler', 'precedence-mjs/hello.handler',
  // user-function-loader.test.ts (the others are above)
  'async.handlerAsync', 'nestedHandler.nested.somethingComplex.handler', 'deeply/nested/dir/index.nested.deeper.handler',
  '../outside/module.handler', 'echo.nonexistentHandler', 'deeply/nested/dir/index.notAFunction',
  // callback-deprecation.test.ts
  'callback-handlers.callbackHandler', 'callback-handlers.callbackHandlerWithExtra',
  'valid-handlers.singleArgHandler', 'valid-handlers.twoArgHandler', 'valid-handlers.noArgHandler',
  // a streaming handler (three parameters, exempt from the callback check): the emulator
  // collects a streamed response into the payload; this one never ends its stream, so
  // both clients' invocations time out
  'streaming-handlers.handler',
];
const AWS4_CASES: Case[] = [
  ...LOADER_HANDLERS.map((handler) => ({ dir: LOADER, handler })),
  // dynamic-imports.test.ts: a .cjs file under a package.json without "type"; ES module
  // syntax in a .js file several folders below the task root
  { dir: `${RIC4}/dynamic-imports`, handler: 'cjs-module.greet' },
  { dir: `${RIC4}/loading-intent/esm-intent`, handler: 'deeply/nested/dir/esm-module.greet' },
];

const CONTRACT_HANDLERS = [
  'asyncValue', 'plainValue', 'plainUndefined', 'asyncUndefined', 'promiseValue', 'throwsNull', 'throwsUndefined', 'throwsString',
  'throwsNumber', 'throwsObject', 'throwsErrorLike', 'throwsSync', 'throwsNullSync', 'rejectsString', 'rejectsUndefined', 'customError',
  'delInMessage', 'circular', 'bigint', 'unhandledRejection', 'uncaughtException', 'neverSettlesAsync', 'neverSettlesPlain', 'processExit',
  'contextFields', 'contextSucceed', 'contextFail', 'contextFailEmpty', 'contextDone', 'callbackValue', 'callbackError', 'callbackWaits',
  'callbackNoWait', 'logs', 'callbackWaitsTimer', 'awaitsTimer', 'asyncReturnsWithTimer', 'plainReturnsWithTimer', 'slowerThanTimeout',
];
/** Our handlers, one clause of the contract each (fixtures/contract). */
const CONTRACT_CASES: Case[] = [
  ...CONTRACT_HANDLERS.map((name) => ({ dir: 'contract', handler: `index.${name}` })),
  ...['customError', 'throwsString', 'logs', 'unhandledRejection'].map((name) => ({ dir: 'contract', handler: `index.${name}`, logFormat: 'JSON' as const })),
  ...['init-throws', 'init-throws-string', 'init-rejects', 'missing-package', 'missing-module', 'syntax-error', 'default-object', 'default-cjs',
    'init-waits']
    .map((module) => ({ dir: 'contract', handler: `${module}.handler` })),
  { dir: 'contract', handler: 'init-throws.handler', logFormat: 'JSON' },
  { dir: 'contract', handler: 'index.notExported', logFormat: 'JSON' },
  { dir: 'contract/type-module', handler: 'app.handler' },
];

const CASES = [...AWS_CASES, ...AWS4_CASES, ...CONTRACT_CASES];
const caseName = (c: Case) => `${c.dir.replace(AWS, 'aws')}:${c.handler}${c.logFormat ? ' (JSON logs)' : ''}`;

/**
 * Cases where our client does not do what AWS's client does, and why. Each
 * entry must still differ (so that the list stays true).
 */
const NEVER_SETTLES_3X = 'an async handler whose promise never settles: ours reports Runtime.NodeJsExit, as AWS\'s 3.x client '
  + 'does after 3.3.0 (its repository\'s src/Runtime.js _setDefaultExitListener, 2025), which the managed runtime follows; '
  + 'the 3.3.0 release on npm still answers null';
const WORKER_ENDED = 'Managed Instances, the only worker thread ended (an uncaught exception or unhandled rejection, '
  + 'or process.exit, ends a worker, not the process): ours logs the worker\'s error from the main thread and, its last '
  + 'worker gone, ends the process (Runtime.ExitError at once, the environment is replaced); AWS\'s 4.0.2 logs nothing '
  + '(dist/worker/worker-manager.js waitForWorker calls structuredConsole.logError, a no-op in the main thread, whose '
  + 'console is never patched) and its process outlives its last worker (the native client\'s pending `next`), so the '
  + 'invocation times out; a dead worker among others (8 per vCPU on Lambda) leaves the process running with either client';
const KNOWN_DIFFERENCES: Record<Column, Record<string, string>> = {
  'nodejs20.x': { 'contract:index.neverSettlesAsync': NEVER_SETTLES_3X },
  'nodejs22.x': { 'contract:index.neverSettlesAsync': NEVER_SETTLES_3X },
  'nodejs24.x': {},
  'nodejs22.x MI': Object.fromEntries(['contract:index.uncaughtException', 'contract:index.unhandledRejection', 'contract:index.processExit',
    'contract:index.unhandledRejection (JSON logs)'].map((name) => [name, WORKER_ENDED])),
};

/**
 * Timing: the clients must deliver the answer at the same moment relative to
 * the handler's own timers (a callback that waits for a pending 600 ms timer
 * or not, an async init that awaits 500 ms, a timeout at 3 s), not to the
 * millisecond. Two runs agree when their durations, and their init durations,
 * are within TIMING_TOLERANCE of each other (a run that waited for a 600 ms
 * timer and one that did not are 600 ms apart). The cases of TIMING_EXPECTED
 * must also be on the right side of their fixture's delay, for both clients.
 * A machine under load can delay one run by some hundreds of ms: a case whose
 * only disagreement is in timing is run again (both clients, new processes),
 * up to TIMING_ATTEMPTS runs in all, and agrees when one attempt does; a real
 * difference in behaviour shows in every attempt.
 */
const TIMING_ATTEMPTS = 3;
const TIMING_TOLERANCE = (a: number, b: number) => Math.max(250, 0.3 * Math.max(a, b));
/** A timer may fire a little before the emulator's clock says its delay has passed. */
const CLOCK_SLACK_MS = 5;
interface TimingExpectation {
  /** the answer waited for the handler's timer of this many ms */
  readonly durationAtLeast?: number;
  /** the answer did not wait for the handler's timer of this many ms */
  readonly durationBelow?: number;
  /** init awaited a timer of this many ms */
  readonly initAtLeast?: number;
}
/** The columns of AWS's client 3.x (callbacks); the others, 4.x, refuse a callback handler at init. */
const CALLBACK_COLUMNS: Column[] = ['nodejs20.x', 'nodejs22.x'];
const RIC4_COLUMNS: Column[] = ['nodejs24.x', MI];
const expecting = (columns: Column[], expectation: TimingExpectation) => Object.fromEntries(columns.map((c) => [c, expectation]));
/** What the timing fixtures promise, per case and column (with 4.x a callback handler fails init). */
const TIMING_EXPECTED: Record<string, Partial<Record<Column, TimingExpectation>>> = {
  'contract:index.callbackWaitsTimer': expecting(CALLBACK_COLUMNS, { durationAtLeast: 600 }),
  'contract:index.callbackNoWait': expecting(CALLBACK_COLUMNS, { durationBelow: 600 }),
  'contract:index.awaitsTimer': expecting(COLUMNS, { durationAtLeast: 600 }),
  'contract:index.asyncReturnsWithTimer': expecting(COLUMNS, { durationBelow: 600 }),
  // 3.x ignores a plain return value: the answer (null) goes when the event loop is empty; 4.x answers it at once
  'contract:index.plainReturnsWithTimer': { ...expecting(CALLBACK_COLUMNS, { durationAtLeast: 600 }), ...expecting(RIC4_COLUMNS, { durationBelow: 600 }) },
  'contract:index.slowerThanTimeout': expecting(COLUMNS, { durationAtLeast: 3000 }),
  'contract:init-waits.handler': expecting(COLUMNS, { initAtLeast: 500 }),
  'aws:asyncInit.handler': expecting(COLUMNS, { initAtLeast: 900 }),
};

/** Why two runs of a case disagree in timing, or break its expectation; undefined when they do not. */
function timingProblem(ours: Timing, aws: Timing, expectation: TimingExpectation | undefined): string | undefined {
  const problems: string[] = [];
  const compare = (what: string, a: number | undefined, b: number | undefined) => {
    if (a === undefined || b === undefined) {
      if (a !== b) problems.push(`${what}: ours ${a?.toFixed(0) ?? 'none'}, AWS ${b?.toFixed(0) ?? 'none'}`);
    } else if (Math.abs(a - b) > TIMING_TOLERANCE(a, b)) {
      problems.push(`${what}: ours ${a.toFixed(0)} ms, AWS ${b.toFixed(0)} ms`);
    }
  };
  compare('duration', ours.durationMs, aws.durationMs);
  compare('init', ours.initDurationMs, aws.initDurationMs);
  for (const [who, run] of [['ours', ours], ['AWS', aws]] as const) {
    if (expectation?.durationAtLeast !== undefined && run.durationMs < expectation.durationAtLeast - CLOCK_SLACK_MS) {
      problems.push(`${who}: answered after ${run.durationMs.toFixed(0)} ms, before the handler's ${expectation.durationAtLeast} ms`);
    }
    if (expectation?.durationBelow !== undefined && run.durationMs >= expectation.durationBelow) {
      problems.push(`${who}: answered after ${run.durationMs.toFixed(0)} ms, it waited for the handler's ${expectation.durationBelow} ms timer`);
    }
    if (expectation?.initAtLeast !== undefined && !((run.initDurationMs ?? 0) >= expectation.initAtLeast - CLOCK_SLACK_MS)) {
      problems.push(`${who}: init took ${run.initDurationMs?.toFixed(0) ?? 'no time (failed)'}, less than the module's ${expectation.initAtLeast} ms await`);
    }
  }
  return problems.length ? problems.join('; ') : undefined;
}

/** The larger gap between two runs (duration or init), in ms. */
function timingGap(ours: Timing, aws: Timing): number {
  return Math.max(Math.abs(ours.durationMs - aws.durationMs), Math.abs((ours.initDurationMs ?? 0) - (aws.initDurationMs ?? 0)));
}

/** AWS's clients as scripts/prefetch-aws-ric.sh installs them, per column (4.x on Managed Instances), when both are there. */
function awsClients(): Record<Column, (handler: string) => string[]> | undefined {
  const [ric4, ric3] = [prefetchedAwsRic('4.0.2').entry, prefetchedAwsRic('3.3.0').entry];
  if (!ric4 || !ric3) return undefined;
  return {
    'nodejs24.x': () => [process.execPath, ric4],
    'nodejs20.x': (handler) => [process.execPath, ric3, handler],
    'nodejs22.x': (handler) => [process.execPath, ric3, handler],
    'nodejs22.x MI': () => [process.execPath, ric4],
  };
}

const clients = awsClients();
const testWithAwsClients = testNeeding(needs.awsRic('4.0.2'), needs.awsRic('3.3.0'));

/** What is compared of one run. */
interface Outcome {
  readonly result: unknown;
  readonly errorType?: string;
  readonly streamed?: boolean;
  readonly logs: unknown[];
  readonly exit: string;
}

/**
 * When a run's answer came, as the emulator measured it: from handing the
 * event over to the answer, and the init (process start to the first `next`;
 * none when init failed).
 */
interface Timing {
  readonly durationMs: number;
  readonly initDurationMs?: number;
}

const outcomes = new Map<string, Outcome>();
const timings = new Map<string, Timing>();
const key = (column: Column, client: Client, index: number) => `${column}|${client}|${index}`;
const fnName = (column: Column, client: Client, index: number) => `${column.replace('.', '_').replace(' ', '_')}-${client}-${index}`;
/** The column, client and case of each function, by name. */
const runs = new Map<string, { column: Column; who: Client; index: number }>();

/** Functions per emulator (processes alive at once, at most) and invocations at a time. */
const BATCH_SIZE = 48;
const BATCH_WIDTH = 6;
let startedAt = 0;
let elapsedMs = 0;
/** Runs the named functions again (new processes) and gives their timings, by function name. */
let rerun: (names: string[]) => Promise<Map<string, Timing>> = async () => new Map();

if (clients) {
  const client = buildClient();
  const exitDir = mkdtempSync(join(tmpdir(), 'ric-diff-exit-'));

  const configs: FunctionConfig[] = [];
  for (const column of COLUMNS) {
    CASES.forEach((c, index) => {
      for (const who of ['ours', 'aws'] as Client[]) {
        const name = fnName(column, who, index);
        runs.set(name, { column, who, index });
        configs.push({
          ...(column === MI ? MANAGED_INSTANCES : {}),
          name,
          codeDir: join(FIXTURES, c.dir),
          handler: c.handler,
          runtime: runtimeOf(column),
          timeoutSeconds: 3,
          logFormat: c.logFormat ?? 'Text',
          // the process's exit status, written when it ends by itself (a kill by the emulator leaves no file)
          commandPrefix: ['/bin/sh', '-c', `"$@"; echo $? > ${join(exitDir, name)}`, 'sh'],
          command: who === 'ours' ? nodejsCommand({ bootstrap: client.bootstrap }) : clients[column](c.handler),
        });
      }
    });
  }

  /**
   * One emulator per batch, closed (its processes with it) before the next, so
   * that few processes live at once; invocations run BATCH_WIDTH at a time.
   * With `settle`, the outcomes are recorded, after the processes that end
   * by themselves have done so.
   */
  const runBatch = async (batch: FunctionConfig[], settle: boolean): Promise<Map<string, Timing>> => {
    const logs: LogEntry[] = [];
    const emulator = await LambdaEmulator.start({ functions: batch, onLog: (entry) => logs.push(entry) });
    try {
      const results = new Map<string, InvokeResult>();
      await pool(batch.map((config) => async () => {
        results.set(config.name, await emulator.invoke(config.name, JSON.stringify({ msg: 'hi', n: 1 })));
      }), BATCH_WIDTH);
      const batchTimings = new Map([...results].map(([name, { durationMs, initDurationMs }]) => [name, { durationMs, initDurationMs }]));
      if (!settle) return batchTimings;
      // time for a process that ends after its answer (exit 128/129, Node.js's own end) to do
      // so: until no exit status has come for 400 ms (3 s at most)
      const exited = () => batch.filter((config) => existsSync(join(exitDir, config.name))).length;
      let seen = -1;
      for (let waited = 0; waited < 3000 && exited() !== seen; waited += 400) {
        seen = exited();
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      for (const config of batch) {
        const { column, who, index } = runs.get(config.name)!;
        const entries = logs.filter((l) => l.functionName === config.name);
        outcomes.set(key(column, who, index), outcome(results.get(config.name)!, entries, join(exitDir, config.name)));
        timings.set(key(column, who, index), batchTimings.get(config.name)!);
      }
      return batchTimings;
    } finally {
      await emulator.close();
    }
  };

  rerun = async (names) => {
    const again = new Map<string, Timing>();
    const batch = configs.filter((config) => names.includes(config.name));
    for (let i = 0; i < batch.length; i += BATCH_SIZE) {
      for (const [name, timing] of await runBatch(batch.slice(i, i + BATCH_SIZE), false)) again.set(name, timing);
    }
    return again;
  };

  beforeAll(async () => {
    startedAt = Date.now();
    for (let i = 0; i < configs.length; i += BATCH_SIZE) await runBatch(configs.slice(i, i + BATCH_SIZE), true);
    elapsedMs = Date.now() - startedAt;
  }, 600_000);

  afterAll(() => {
    client.cleanup();
    rmSync(exitDir, { recursive: true, force: true });
  });
}

/** Runs the jobs, `width` at a time. */
async function pool(jobs: Array<() => Promise<void>>, width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** The comparable part of a run: volatile values (ids, times, paths of the clients' own files) replaced. */
function outcome(result: InvokeResult, entries: LogEntry[], exitFile: string): Outcome {
  const text = result.payload.toString();
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = text;
  }
  if (result.functionError && payload && typeof payload === 'object') {
    const doc = payload as { errorType?: string; errorMessage?: string; trace?: string[] };
    payload = {
      errorType: doc.errorType,
      errorMessage: normalize(doc.errorMessage ?? ''),
      // the first line (the error's own); the frames below name each client's files
      trace: Array.isArray(doc.trace) ? doc.trace.slice(0, 1).map(normalize) : doc.trace,
    };
  }
  const stdout = entries.filter((e) => e.stream === 'stdout').map((e) => e.text).join('');
  const stderr = entries.filter((e) => e.stream === 'stderr').map((e) => e.text).join('');
  return {
    result: volatile(payload),
    // the emulator's error type when it is neither the document's nor its default for a post
    // without the Lambda-Runtime-Function-Error-Type header (AWS's native client sends none
    // with invocation errors; ours names the type there, see KNOWN_DIFFERENCES' note)
    errorType: result.errorType === 'Function.Unknown' || result.errorType === (payload as { errorType?: string } | null)?.errorType
      ? undefined : result.errorType,
    streamed: result.streamed || undefined,
    logs: [...stdout.split('\n').filter((line) => line && !line.startsWith('Executing \'')).map(logRecord), ...(stderr ? ['<stderr output>'] : [])],
    exit: existsSync(exitFile) ? `exit ${readFileSync(exitFile, 'utf8').trim()}` : 'running or killed',
  };
}

/** A log line: its level and message, an error record's fields (stack: first line only). */
function logRecord(line: string): unknown {
  if (line.startsWith('{')) {
    try {
      const record = JSON.parse(line);
      // a JSON line whose message is a labelled error record (4.x on Managed Instances logs
      // every line as JSON, `Invoke Error \t{...}` among them)
      const message = typeof record.message === 'string' ? labelledError(record.message) ?? record.message : record.message;
      return volatile({ ...record, message, timestamp: undefined, requestId: record.requestId === '-' ? '-' : typeof record.requestId });
    } catch {
      return line;
    }
  }
  const [, requestId, level, message] = /^\S+\t([^\t]*)\t([A-Z]+)\t([\s\S]*)$/.exec(line) ?? [];
  if (level === undefined) return normalize(line);
  const id = /^[0-9a-f-]{36}$/.test(requestId) ? '<request id>' : requestId;
  const labelled = labelledError(message);
  if (labelled) return { requestId: id, level, ...labelled };
  return { requestId: id, level, message: normalize(message.split('\r')[0]) };
}

/** `Label \t{error record}` (a client's `Invoke Error`, `Init Error`...): the label and the record, or undefined. */
function labelledError(message: string): { label: string; error: unknown } | undefined {
  const labelled = /^([A-Za-z ]+) \t(\{[\s\S]*\})$/.exec(message);
  if (!labelled) return undefined;
  try {
    return { label: labelled[1], error: volatile(JSON.parse(labelled[2])) };
  } catch {
    return undefined; // not JSON after all
  }
}

/** Replaces what differs from run to run, or names a client's own files, in a value. */
function volatile(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null, (k, v) => {
    if ((k === 'stack' || k === 'stackTrace' || k === 'trace') && Array.isArray(v)) return v.slice(0, 1).map(normalize);
    return typeof v === 'string' ? normalize(v) : v;
  }));
}

function normalize(text: string): string {
  return text
    // stack frames inside a message (console.error('x', error)) name each client's functions
    .replace(/\n\s+at [^\n]*/g, '')
    .replace(/\(node:\d+\)/g, '(node:<pid>)')
    .replace(/127\.0\.0\.1:\d+/g, '<runtime api>')
    .replace(/-(ours|aws)-(\d+)/g, '-<client>-$2')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\[\$LATEST\][0-9a-f]{32}/g, '[$LATEST]<stream>')
    .replace(/Root=1-[0-9a-f]{8}-[0-9a-f]{24}[^"\s]*/g, '<trace id>')
    .replace(/\/tmp\/ric-test-[^/\s]+\/bootstrap\.mjs/g, '<client>')
    .replace(/\S*node_modules\/aws-lambda-ric\/\S*/g, '<client>')
    .replace(/\n- <client>/g, '');
}

describe.each(COLUMNS)('%s: our client agrees with AWS\'s', (column) => {
  const known = KNOWN_DIFFERENCES[column];
  testWithAwsClients(`every case (${CASES.length}), in outcome and timing, or it is a known difference`, async () => {
    const disagreements: string[] = [];
    const stillKnown: string[] = [];
    /** cases that agree in outcome but not (yet) in timing: index -> the problem */
    const untimely = new Map<number, string>();
    /** the timing of both runs of each case that agrees (the attempt that did) */
    const agreedTiming = new Map<number, { ours: Timing; aws: Timing }>();
    CASES.forEach((c, index) => {
      const ours = outcomes.get(key(column, 'ours', index));
      const aws = outcomes.get(key(column, 'aws', index));
      expect(ours).toBeDefined();
      expect(aws).toBeDefined();
      const same = JSON.stringify(ours) === JSON.stringify(aws);
      const name = caseName(c);
      if (!same && !(name in known)) disagreements.push(`${name}\n  ours: ${JSON.stringify(ours)}\n  AWS:  ${JSON.stringify(aws)}`);
      if (same && name in known) stillKnown.push(name);
      if (!same) return;
      const timing = { ours: timings.get(key(column, 'ours', index))!, aws: timings.get(key(column, 'aws', index))! };
      const problem = timingProblem(timing.ours, timing.aws, TIMING_EXPECTED[name]?.[column]);
      if (problem) untimely.set(index, problem);
      else agreedTiming.set(index, timing);
    });
    // a timing disagreement is checked again with new processes (see TIMING_ATTEMPTS)
    const reruns = [...untimely.keys()].map((index) => caseName(CASES[index]));
    for (let attempt = 2; attempt <= TIMING_ATTEMPTS && untimely.size; attempt++) {
      const again = await rerun([...untimely.keys()].flatMap((index) => [fnName(column, 'ours', index), fnName(column, 'aws', index)]));
      for (const index of [...untimely.keys()]) {
        const timing = { ours: again.get(fnName(column, 'ours', index))!, aws: again.get(fnName(column, 'aws', index))! };
        const problem = timingProblem(timing.ours, timing.aws, TIMING_EXPECTED[caseName(CASES[index])]?.[column]);
        if (problem) {
          untimely.set(index, `${untimely.get(index)}\n  attempt ${attempt}: ${problem}`);
        } else {
          untimely.delete(index);
          agreedTiming.set(index, timing);
        }
      }
    }
    const timingDisagreements = [...untimely].map(([index, problem]) => `${caseName(CASES[index])} (timing, ${TIMING_ATTEMPTS} attempts)\n  ${problem}`);
    if (process.env.TS_LAMBDA_DIFF_REPORT) {
      // a development aid: every outcome and timing of both clients, to read the differences in full
      writeFileSync(`${process.env.TS_LAMBDA_DIFF_REPORT}.${column.replace(' ', '_')}.json`, JSON.stringify(CASES.map((c, index) => ({
        case: caseName(c),
        ours: outcomes.get(key(column, 'ours', index)),
        aws: outcomes.get(key(column, 'aws', index)),
        timing: agreedTiming.get(index) ?? { ours: timings.get(key(column, 'ours', index)), aws: timings.get(key(column, 'aws', index)) },
        timingProblem: untimely.get(index),
      })), null, 1));
    }
    const [widest] = [...agreedTiming].map(([index, t]) => ({ index, gap: timingGap(t.ours, t.aws) })).sort((a, b) => b.gap - a.gap);
    const agreeing = CASES.length - disagreements.length - timingDisagreements.length - Object.keys(known).length + stillKnown.length;
    console.log(`${column}: ours agrees with AWS's client in ${agreeing} of ${CASES.length} cases, in outcome and timing `
      + `(${Object.keys(known).length} known differences; ${untimely.size} timing disagreements; `
      + `run again for timing: ${reruns.length ? reruns.join(', ') : 'none'}); `
      + `largest timing gap of an agreeing case ${widest ? `${widest.gap.toFixed(0)} ms (${caseName(CASES[widest.index])})` : '-'}; `
      + `all runs took ${(elapsedMs / 1000).toFixed(1)} s`);
    expect({ disagreements, timingDisagreements, stillKnown }).toEqual({ disagreements: [], timingDisagreements: [], stillKnown: [] });
  }, 300_000);
});
